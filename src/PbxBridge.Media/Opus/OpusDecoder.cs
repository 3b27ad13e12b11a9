namespace PbxBridge.Media.Opus;

/// <summary>
/// A mono libopus decoder created directly at the PBX's rate (8 kHz narrowband or 16 kHz wideband): libopus decodes
/// any Opus packet at 8/12/16/24/48 kHz itself, so no resampler sits in the path. Decode errors are returned as
/// negative libopus codes rather than thrown, because they come from the network.
/// </summary>
public sealed unsafe class OpusDecoder : IDisposable
{
    private readonly OpusDecoderHandle _handle;

    public OpusDecoder(int sampleRate)
    {
        OpusSampleRates.ThrowIfUnsupported(sampleRate);
        OpusLibrary.EnsureAvailable();
        var decoder = OpusNative.DecoderCreate(sampleRate, 1, out var error);
        if (error != OpusNative.OpusOk || decoder == IntPtr.Zero)
        {
            throw OpusException.FromError("opus_decoder_create", error);
        }

        _handle = new OpusDecoderHandle(decoder);
        SampleRate = sampleRate;
    }

    public int SampleRate { get; }

    /// <summary>Samples in a 20 ms frame at this rate.</summary>
    public int SamplesPer20Ms => SampleRate / 50;

    /// <summary>Decodes one packet into <paramref name="pcm"/>; returns the samples written or a negative libopus error.</summary>
    public int Decode(ReadOnlySpan<byte> packet, Span<short> pcm)
    {
        if (packet.IsEmpty)
        {
            return OpusErrors.InvalidPacket;
        }

        return Call(packet, pcm, pcm.Length, decodeFec: false);
    }

    /// <summary>
    /// Packet-loss concealment: synthesises <paramref name="frameSize"/> samples continuing the signal (libopus fades
    /// to silence if losses persist). frameSize must be a multiple of 2.5 ms, normally the lost packet's duration.
    /// </summary>
    public int Conceal(Span<short> pcm, int frameSize) => Call(default, pcm, frameSize, decodeFec: false);

    /// <summary>
    /// In-band FEC (RFC 7587 `useinbandfec=1`): recovers the PREVIOUS, lost frame from the low-bitrate copy carried in
    /// <paramref name="nextPacket"/>. When that packet carries no FEC, libopus falls back to concealment itself.
    /// </summary>
    public int DecodeFec(ReadOnlySpan<byte> nextPacket, Span<short> pcm, int frameSize) =>
        nextPacket.IsEmpty ? Conceal(pcm, frameSize) : Call(nextPacket, pcm, frameSize, decodeFec: true);

    /// <summary>The duration of <paramref name="packet"/> in samples at <paramref name="sampleRate"/>, or a negative error.</summary>
    public static int GetSampleCount(ReadOnlySpan<byte> packet, int sampleRate)
    {
        if (packet.IsEmpty)
        {
            return OpusErrors.InvalidPacket;
        }

        fixed (byte* data = packet)
        {
            return OpusNative.PacketGetNbSamples(data, packet.Length, sampleRate);
        }
    }

    public void Dispose() => _handle.Dispose();

    private int Call(ReadOnlySpan<byte> packet, Span<short> pcm, int frameSize, bool decodeFec)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (frameSize <= 0 || frameSize > pcm.Length)
        {
            return OpusErrors.BufferTooSmall;
        }

        // Held for the native call: a Dispose from another thread then frees the decoder after opus_decode returns,
        // never under it (libopus on freed state corrupts memory and took the process down).
        var held = false;
        try
        {
            _handle.DangerousAddRef(ref held);
            fixed (byte* data = packet)
            fixed (short* output = pcm)
            {
                return OpusNative.Decode(_handle.DangerousGetHandle(), data, packet.Length, output, frameSize, decodeFec ? 1 : 0);
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
}
