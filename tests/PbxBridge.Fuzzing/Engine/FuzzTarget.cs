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
    public abstract string Name { get; }

    /// <summary>One line for the report: the entry point(s) exercised.</summary>
    public abstract string Description { get; }

    public abstract IReadOnlyList<byte[]> Seeds { get; }

    public virtual bool IsText => false;

    public virtual IReadOnlyList<byte[]> Tokens => [];

    public virtual LengthFieldLocator? LengthFields => null;

    /// <summary>The component's own rejection counter (what /metrics exports), or null where the caller counts.</summary>
    public virtual long? CountedRejections => null;

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
