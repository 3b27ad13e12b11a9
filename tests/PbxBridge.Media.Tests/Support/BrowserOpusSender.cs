using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Media.Tests.Support;

/// <summary>Plays the browser: 48 kHz PCM -> Opus (20 ms, FEC on) -> RTP PT 111 with its own SSRC/seq/timestamp.</summary>
internal sealed class BrowserOpusSender : IDisposable
{
    public const byte OpusPayloadType = 111;

    private readonly OpusEncoder _encoder = new(new OpusEncoderSettings(48000, Complexity: 9, Bitrate: 32000, InbandFec: true));
    private readonly byte[] _opus = new byte[OpusEncoder.MaxPacketBytes];

    public uint Ssrc { get; set; } = 0x11223344;
    public ushort Sequence { get; set; } = 65500;
    public uint Timestamp { get; set; } = 4_000_000_000;

    /// <summary>Encodes the next 960 samples and returns the RTP packet.</summary>
    public byte[] Next(ReadOnlySpan<short> pcm48k)
    {
        var length = _encoder.Encode(pcm48k, _opus);
        var packet = new byte[RtpPacket.FixedHeaderLength + length];
        RtpPacketWriter.Write(packet, new RtpHeaderFields(OpusPayloadType, Sequence, Timestamp, Ssrc), _opus.AsSpan(0, length));
        Sequence++;
        Timestamp += 960;
        return packet;
    }

    public void Dispose() => _encoder.Dispose();
}
