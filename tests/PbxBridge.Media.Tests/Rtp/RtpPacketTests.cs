using PbxBridge.Media.Rtp;

namespace PbxBridge.Media.Tests.Rtp;

public sealed class RtpPacketTests
{
    [Fact]
    public void Packet_with_csrcs_extension_and_padding_round_trips()
    {
        var buffer = new byte[200];
        byte[] payload = [1, 2, 3, 4, 5];
        byte[] extension = [0x10, 0xAA, 0, 0, 0x22, 0xBB, 0xCC, 0];
        var length = RtpPacketWriter.Write(
            buffer,
            new RtpHeaderFields(111, 65535, 0xFFFFFFF0, 0xDEADBEEF, Marker: true),
            payload,
            csrcs: [7u, 8u],
            extensionProfile: 0xBEDE,
            extensionData: extension,
            paddingLength: 3);

        Assert.Equal(12 + 8 + 4 + 8 + 5 + 3, length);
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet, out var error));
        Assert.Equal(RtpParseError.None, error);
        Assert.True(packet.Marker);
        Assert.True(packet.HasPadding);
        Assert.True(packet.HasExtension);
        Assert.Equal(111, packet.PayloadType);
        Assert.Equal(65535, packet.SequenceNumber);
        Assert.Equal(0xFFFFFFF0u, packet.Timestamp);
        Assert.Equal(0xDEADBEEFu, packet.Ssrc);
        Assert.Equal(2, packet.CsrcCount);
        Assert.Equal(8u, packet.GetCsrc(1));
        Assert.Equal(0xBEDE, packet.ExtensionProfile);
        Assert.Equal(extension, packet.ExtensionData.ToArray());
        Assert.Equal(payload, packet.Payload.ToArray());
    }

    [Fact]
    public void Fixed_header_only_packet_round_trips()
    {
        var buffer = new byte[RtpPacket.FixedHeaderLength + 160];
        var length = RtpPacketWriter.Write(buffer, new RtpHeaderFields(0, 1000, 160, 42), new byte[160]);
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet));
        Assert.False(packet.Marker);
        Assert.Equal(160, packet.PayloadLength);
        Assert.Equal(12, packet.HeaderLength);
        Assert.True(packet.ExtensionData.IsEmpty);
    }

    [Fact]
    public void Writer_returns_zero_when_the_destination_is_too_small()
    {
        var buffer = new byte[20];
        Assert.Equal(0, RtpPacketWriter.Write(buffer, new RtpHeaderFields(0, 1, 2, 3), new byte[160]));
        Assert.Equal(0, RtpPacketWriter.WriteHeader(buffer.AsSpan(0, 11), new RtpHeaderFields(0, 1, 2, 3)));
    }

    public static TheoryData<string, RtpParseError> MalformedPackets => new()
    {
        { "", RtpParseError.TooShortForFixedHeader },
        { "80 00 00 01 00 00 00 02 00 00 00", RtpParseError.TooShortForFixedHeader },
        { "40 00 00 01 00 00 00 02 00 00 00 03", RtpParseError.UnsupportedVersion },
        { "C0 00 00 01 00 00 00 02 00 00 00 03", RtpParseError.UnsupportedVersion },
        { "82 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04", RtpParseError.CsrcListPastEnd },
        { "8F 00 00 01 00 00 00 02 00 00 00 03", RtpParseError.CsrcListPastEnd },
        { "90 00 00 01 00 00 00 02 00 00 00 03 BE DE", RtpParseError.ExtensionPastEnd },
        { "90 00 00 01 00 00 00 02 00 00 00 03 BE DE 00 02 00 00 00 00", RtpParseError.ExtensionPastEnd },
        { "A0 00 00 01 00 00 00 02 00 00 00 03 AA BB 09", RtpParseError.PaddingInvalid },
        { "A0 00 00 01 00 00 00 02 00 00 00 03 AA BB 00", RtpParseError.PaddingInvalid },
    };

    [Theory]
    [MemberData(nameof(MalformedPackets))]
    public void Malformed_packet_is_rejected_with_its_reason(string hex, RtpParseError reason)
    {
        var data = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        Assert.False(RtpPacket.TryParse(data, out _, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(4);
        var buffer = new byte[64];
        var accepted = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var length = random.Next(0, buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet))
            {
                accepted++;
                Assert.InRange(packet.HeaderLength + packet.PayloadLength, 12, length);
            }
        }

        Assert.InRange(accepted, 1, 99_999);
    }

    [Fact]
    public void Padding_exactly_filling_the_packet_leaves_an_empty_payload()
    {
        var data = Convert.FromHexString("A0000001000000020000000300000004");
        Assert.True(RtpPacket.TryParse(data, out var packet));
        Assert.Equal(0, packet.PayloadLength);
    }
}
