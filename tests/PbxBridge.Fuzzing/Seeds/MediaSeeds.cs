using System.Buffers.Binary;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Media.Dtmf;
using PbxBridge.Media.G711;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtcp;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Fuzzing.Seeds;

/// <summary>
/// RTP and RTCP seeds shaped like what Chromium and the PBXs send: Opus (libopus-encoded tone, PT 111) with the
/// RFC 8285 one-byte header extension Chromium adds (audio level, abs-send-time), with CSRCs, with padding,
/// RFC 4733 telephone-event, PCMU from the PBX (G.711, PT 0), and compound RTCP (SR/RR + SDES CNAME, BYE).
/// </summary>
public static class MediaSeeds
{
    public const int OpusPayloadType = 111;
    public const int TelephoneEventPayloadType = 126;

    public static IReadOnlyList<byte[]> BrowserRtp { get; } = BuildBrowserRtp();

    public static IReadOnlyList<byte[]> PbxRtp { get; } = BuildPbxRtp();

    public static IReadOnlyList<byte[]> Rtcp { get; } = BuildRtcp();

    /// <summary>The CSRC count (low nibble of byte 0, as a whole byte), the extension length, and nothing else: RTP has no payload length.</summary>
    public static void RtpLengthFields(ReadOnlySpan<byte> data, List<LengthField> fields)
    {
        if (data.Length < RtpPacket.FixedHeaderLength)
        {
            return;
        }

        fields.Add(new LengthField(0, 1));
        var extension = RtpPacket.FixedHeaderLength + (4 * (data[0] & 0x0F));
        if ((data[0] & 0x10) != 0 && extension + 4 <= data.Length)
        {
            fields.Add(new LengthField(extension + 2, 2, 4));
        }

        if ((data[0] & 0x20) != 0)
        {
            fields.Add(new LengthField(data.Length - 1, 1));
        }
    }

    /// <summary>Every RTCP packet's length in 32-bit words minus one, and its count field.</summary>
    public static void RtcpLengthFields(ReadOnlySpan<byte> data, List<LengthField> fields)
    {
        var offset = 0;
        while (offset + 4 <= data.Length)
        {
            fields.Add(new LengthField(offset, 1));
            fields.Add(new LengthField(offset + 2, 2, 4));
            offset += 4 * (BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]) + 1);
        }
    }

    private static List<byte[]> BuildBrowserRtp()
    {
        var seeds = new List<byte[]>();
        using var encoder = new OpusEncoder(new OpusEncoderSettings(48000));
        var pcm = new short[960];
        var opus = new byte[OpusEncoder.MaxPacketBytes];
        var buffer = new byte[1500];
        ReadOnlySpan<byte> chromeExtension = [0x10, 0xBA, 0x30, 0x12, 0x34, 0x56, 0x00, 0x00];
        for (ushort i = 0; i < 4; i++)
        {
            for (var s = 0; s < pcm.Length; s++)
            {
                pcm[s] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * ((i * 960) + s) / 48000.0));
            }

            var encoded = encoder.Encode(pcm, opus);
            var header = new RtpHeaderFields(OpusPayloadType, (ushort)(1000 + i), (uint)(960 * i), 0x1234ABCD, Marker: i == 0);
            var length = i switch
            {
                0 => RtpPacketWriter.Write(buffer, header, opus.AsSpan(0, encoded)),
                1 => RtpPacketWriter.Write(buffer, header, opus.AsSpan(0, encoded), extensionProfile: 0xBEDE, extensionData: chromeExtension, hasExtension: true),
                2 => RtpPacketWriter.Write(buffer, header, opus.AsSpan(0, encoded), csrcs: [0x11111111, 0x22222222]),
                _ => RtpPacketWriter.Write(buffer, header, opus.AsSpan(0, encoded), paddingLength: 4),
            };
            seeds.Add(buffer.AsSpan(0, length).ToArray());
        }

        Span<byte> digit = stackalloc byte[TelephoneEventPayload.Length];
        new TelephoneEventPayload(5, End: true, Volume: 10, Duration: 800).Write(digit);
        var dtmf = RtpPacketWriter.Write(buffer, new RtpHeaderFields(TelephoneEventPayloadType, 1004, 3840, 0x1234ABCD, Marker: true), digit);
        seeds.Add(buffer.AsSpan(0, dtmf).ToArray());
        return seeds;
    }

    private static List<byte[]> BuildPbxRtp()
    {
        var pcm = new short[160];
        var ulaw = new byte[160];
        var buffer = new byte[200];
        var seeds = new List<byte[]>();
        for (ushort i = 0; i < 3; i++)
        {
            for (var s = 0; s < pcm.Length; s++)
            {
                pcm[s] = (short)(6000 * Math.Sin(2 * Math.PI * 1000 * ((i * 160) + s) / 8000.0));
            }

            MuLaw.Encode(pcm, ulaw);
            var length = RtpPacketWriter.Write(buffer, new RtpHeaderFields(0, (ushort)(500 + i), (uint)(160 * i), 0x0BADCAFE, Marker: i == 0), ulaw);
            seeds.Add(buffer.AsSpan(0, length).ToArray());
        }

        return seeds;
    }

    private static List<byte[]> BuildRtcp()
    {
        var buffer = new byte[512];
        var block = new RtcpReportBlock(0x1234ABCD, 12, 3, 0x0001_0400, 48, 0x11223344, 655);
        var sr = RtcpSenderReport.Write(buffer, 0x0BADCAFE, new RtcpSenderInfo(0xE5A1_2345_6789_0000, 96000, 100, 16000), [block]);
        var srSdes = sr + RtcpSourceDescription.WriteCname(buffer.AsSpan(sr), 0x0BADCAFE, "fuzz-cname"u8);
        var compoundSr = buffer.AsSpan(0, srSdes).ToArray();

        var rr = RtcpReceiverReport.Write(buffer, 0x1234ABCD, [block, block with { Ssrc = 0x55667788 }]);
        var rrSdes = rr + RtcpSourceDescription.WriteCname(buffer.AsSpan(rr), 0x1234ABCD, "{b6a2c1d0-chromium}"u8);
        var compoundRr = buffer.AsSpan(0, rrSdes).ToArray();

        var rrBye = RtcpReceiverReport.Write(buffer, 0x1234ABCD, []);
        rrBye += RtcpGoodbye.Write(buffer.AsSpan(rrBye), [0x1234ABCD, 0x55667788], "hangup"u8);
        return [compoundSr, compoundRr, buffer.AsSpan(0, rrBye).ToArray()];
    }
}
