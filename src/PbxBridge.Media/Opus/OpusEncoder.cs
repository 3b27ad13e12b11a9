namespace PbxBridge.Media.Opus;

/// <summary>
/// A mono libopus VOIP encoder fed at the PBX's rate (8 or 16 kHz). The RTP timestamp of Opus is always 48 kHz
/// (RFC 7587 §4.1) whatever rate it is fed at; that conversion is the packetiser's job, not the codec's.
/// </summary>
public sealed unsafe class OpusEncoder : IDisposable
{
    /// <summary>RFC 7587 / libopus' recommended upper bound for one packet.</summary>
    public const int MaxPacketBytes = 1275;

    private readonly OpusEncoderHandle _handle;

    public OpusEncoder(OpusEncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        OpusSampleRates.ThrowIfUnsupported(settings.SampleRate);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Complexity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Complexity, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Bitrate, 500);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Bitrate, 512000);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.PacketLossPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.PacketLossPercent, 100);
        OpusLibrary.EnsureAvailable();

        var encoder = OpusNative.EncoderCreate(settings.SampleRate, 1, OpusNative.ApplicationVoip, out var error);
        if (error != OpusNative.OpusOk || encoder == IntPtr.Zero)
        {
            throw OpusException.FromError("opus_encoder_create", error);
        }

        _handle = new OpusEncoderHandle(encoder);
        Settings = settings;
        try
        {
            Ctl(OpusNative.SetSignalRequest, OpusNative.SignalVoice, "OPUS_SET_SIGNAL");
            Ctl(OpusNative.SetComplexityRequest, settings.Complexity, "OPUS_SET_COMPLEXITY");
            Complexity = settings.Complexity;
            Ctl(OpusNative.SetBitrateRequest, settings.Bitrate, "OPUS_SET_BITRATE");
            Ctl(OpusNative.SetInbandFecRequest, settings.InbandFec ? 1 : 0, "OPUS_SET_INBAND_FEC");
            Ctl(OpusNative.SetPacketLossPercRequest, settings.PacketLossPercent, "OPUS_SET_PACKET_LOSS_PERC");
            Ctl(OpusNative.SetDtxRequest, settings.Dtx ? 1 : 0, "OPUS_SET_DTX");
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    public OpusEncoderSettings Settings { get; }

    /// <summary>The complexity the encoder runs at now (<see cref="SetComplexity"/> may have lowered it).</summary>
    public int Complexity { get; private set; }

    /// <summary>
    /// Changes the encoder's complexity between two frames (OPUS_SET_COMPLEXITY keeps the stream's state, so the
    /// browser hears no glitch). Call it on the thread that encodes: libopus state is not thread-safe.
    /// </summary>
    public void SetComplexity(int complexity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(complexity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(complexity, 10);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (complexity != Complexity)
        {
            Ctl(OpusNative.SetComplexityRequest, complexity, "OPUS_SET_COMPLEXITY");
            Complexity = complexity;
        }
    }

    /// <summary>
    /// Encodes one frame (2.5, 5, 10, 20, 40 or 60 ms of samples) into <paramref name="packet"/>; returns its length
    /// or a negative libopus error. With DTX on, a result of 1 or 2 bytes means "silence, need not be sent".
    /// </summary>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);

        // Held for the native call, so a concurrent Dispose frees the encoder only after opus_encode returns.
        var held = false;
        try
        {
            _handle.DangerousAddRef(ref held);
            fixed (short* input = pcm)
            fixed (byte* output = packet)
            {
                return OpusNative.Encode(_handle.DangerousGetHandle(), input, pcm.Length, output, Math.Min(packet.Length, MaxPacketBytes));
            }
        }
        finally
        {
            if (held)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => _handle.Dispose();

    private void Ctl(int request, int value, string name)
    {
        var result = OpusNative.EncoderCtl(_handle.DangerousGetHandle(), request, value);
        if (result != OpusNative.OpusOk)
        {
            throw OpusException.FromError($"opus_encoder_ctl({name}, {value})", result);
        }
    }
}
