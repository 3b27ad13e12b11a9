namespace PbxBridge.Fuzzing.Engine;

/// <summary>
/// One entry point that a receive loop calls with untrusted bytes, wrapped for the fuzzer: its seeds, how to mutate
/// them, and <see cref="Run"/>, which feeds one input through the real code and says whether it was accepted or
/// rejected. Anything <see cref="Run"/> lets escape is a defect (the documented rejections are caught inside).
/// Where the component counts its own rejections, <see cref="CountedRejections"/> reads that counter, and the
/// runner checks it moved once per rejection.
/// </summary>
public abstract class FuzzTarget : IDisposable
{
    /// <summary>Text protocols carried in SIP or on a TCP stream: a little past SIP's 64 KiB message limit, so the limit is hit too.</summary>
    public const int DefaultMaxInputLength = 70_000;

    /// <summary>What one UDP receive can hand a parser: the receive loops' buffers are 2,048 (browser) and 1,500 (PBX) bytes.</summary>
    public const int DatagramMaxLength = 2048;

    public abstract string Name { get; }

    /// <summary>The largest input the network can deliver to this entry point; mutations are cut there.</summary>
    public virtual int MaxInputLength => DefaultMaxInputLength;

    /// <summary>One line for the report: the entry point(s) exercised.</summary>
    public abstract string Description { get; }

    public abstract IReadOnlyList<byte[]> Seeds { get; }

    public virtual bool IsText => false;

    public virtual IReadOnlyList<byte[]> Tokens => [];

    public virtual LengthFieldLocator? LengthFields => null;

    /// <summary>The component's own rejection counter (what /metrics exports), or null where the caller counts.</summary>
    public virtual long? CountedRejections => null;

    /// <summary>A figure that shows how deep the inputs went (frames decoded, sessions started), for the report.</summary>
    public virtual string? Depth => null;

    public abstract FuzzVerdict Run(byte[] input);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
