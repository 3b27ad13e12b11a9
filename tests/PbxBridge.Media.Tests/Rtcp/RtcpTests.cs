using System.Text;
using PbxBridge.Media.Rtcp;

namespace PbxBridge.Media.Tests.Rtcp;

public sealed class RtcpTests
{
    private static readonly RtcpReportBlock s_block = new(0xCAFEBABE, 25, -3, 0x0001_FFFF, 160, 0x12345678, 65536);

    [Fact]
    public void Compound_sr_sdes_bye_round_trips()
    {
        var buffer = new byte[512];
        var info = new RtcpSenderInfo(0xE8F0_1234_5678_9ABC, 160_000, 500, 80_000);
        var length = RtcpSenderReport.Write(buffer, 0x1111, info, [s_block]);
        length += RtcpSourceDescription.WriteCname(buffer.AsSpan(length), 0x1111, "pbxbridge@host"u8);
        length += RtcpGoodbye.Write(buffer.AsSpan(length), [0x1111u], "hangup"u8);
        var datagram = buffer.AsSpan(0, length);

        Assert.True(RtcpCompoundReader.IsValidCompound(datagram));
        var reader = new RtcpCompoundReader(datagram);

        Assert.True(reader.TryReadNext(out var sr));
        Assert.True(RtcpSenderReport.TryParse(sr, out var report));
        Assert.Equal(0x1111u, report.Ssrc);
        Assert.Equal(info, report.SenderInfo);
        Assert.Equal(0x1234_5678u, info.CompactNtp);
        Assert.Equal(1, report.ReportCount);
        Assert.Equal(s_block, report.GetReportBlock(0));

        Assert.True(reader.TryReadNext(out var sdes));
        Assert.Equal(0, sdes.Data.Length % 4);
        Assert.True(RtcpSourceDescription.TryGetCname(sdes, 0x1111, out var cname));
        Assert.Equal("pbxbridge@host", Encoding.UTF8.GetString(cname));
        Assert.False(RtcpSourceDescription.TryGetCname(sdes, 0x2222, out _));

        Assert.True(reader.TryReadNext(out var bye));
        Assert.True(RtcpGoodbye.TryParse(bye, out var goodbye));
        Assert.Equal(0x1111u, goodbye.GetSsrc(0));
        Assert.Equal("hangup", Encoding.UTF8.GetString(goodbye.Reason));

        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void Receiver_report_round_trips_with_negative_cumulative_loss()
    {
        var buffer = new byte[64];
        var length = RtcpReceiverReport.Write(buffer, 0x42, [s_block]);
        Assert.Equal(32, length);
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, length));
        Assert.True(reader.TryReadNext(out var packet));
        Assert.Equal(RtcpPacketType.ReceiverReport, packet.Type);
        Assert.True(RtcpReceiverReport.TryParse(packet, out var rr));
        Assert.Equal(0x42u, rr.Ssrc);
        Assert.Equal(-3, rr.GetReportBlock(0).CumulativeLost);
        Assert.False(RtcpSenderReport.TryParse(packet, out _));
    }

    [Fact]
    public void Cname_with_an_exact_multiple_of_four_still_gets_an_end_octet()
    {
        var buffer = new byte[64];
        // 4 (SSRC) + 2 + 2 text = 8: the mandatory end octet forces another word.
        var length = RtcpSourceDescription.WriteCname(buffer, 7, "ab"u8);
        Assert.Equal(16, length);
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, length));
        Assert.True(reader.TryReadNext(out var packet));
        Assert.True(RtcpSourceDescription.TryGetCname(packet, 7, out var cname));
        Assert.Equal("ab"u8.ToArray(), cname.ToArray());
    }

    public static TheoryData<string> MalformedDatagrams => new()
    {
        "81C9",                                   // shorter than a header
        "41C90001 00000042",                      // version 1
        "81C90007 00000042",                      // length beyond the datagram
        "A1C90001 00000042 81C90001 00000042",    // padding on a packet that is not last
        "A0C90001 00000000",                      // padding count 0
    };

    [Theory]
    [MemberData(nameof(MalformedDatagrams))]
    public void Malformed_compound_is_reported_not_thrown(string hex)
    {
        var data = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        var reader = new RtcpCompoundReader(data);
        while (reader.TryReadNext(out _))
        {
        }

        Assert.True(reader.IsMalformed);
        Assert.False(RtcpCompoundReader.IsValidCompound(data));
        Assert.False(RtcpCompoundReader.IsWellFormed(data));
    }

    [Fact]
    public void Reduced_size_feedback_alone_is_well_formed_though_not_a_valid_compound()
    {
        // RFC 5506: a lone transport-layer feedback packet (PT 205, FMT 15, as Chromium sends transport-cc).
        var data = Convert.FromHexString("8FCD0003" + "00000001" + "12345678" + "00010002");

        Assert.True(RtcpCompoundReader.IsWellFormed(data));
        Assert.False(RtcpCompoundReader.IsValidCompound(data));
        Assert.False(RtcpCompoundReader.IsWellFormed([]));
    }

    [Fact]
    public void Report_count_past_the_packet_body_is_rejected()
    {
        // RR claiming two report blocks with room for none.
        var data = Convert.FromHexString("82C90001" + "00000042");
        var reader = new RtcpCompoundReader(data);
        Assert.True(reader.TryReadNext(out var packet));
        Assert.False(RtcpReceiverReport.TryParse(packet, out _));
    }

    [Fact]
    public void Sdes_item_past_the_end_and_bye_reason_past_the_end_are_rejected()
    {
        var sdes = Convert.FromHexString("81CA0002" + "00000007" + "0109616200000000"[..8]);
        var reader = new RtcpCompoundReader(sdes);
        Assert.True(reader.TryReadNext(out var packet));
        Assert.False(RtcpSourceDescription.TryGetCname(packet, 7, out _));

        var bye = Convert.FromHexString("81CB0002" + "00000007" + "09616263");
        reader = new RtcpCompoundReader(bye);
        Assert.True(reader.TryReadNext(out packet));
        Assert.False(RtcpGoodbye.TryParse(packet, out _));
    }

    [Fact]
    public void Compound_must_start_with_a_report()
    {
        var buffer = new byte[64];
        var length = RtcpGoodbye.Write(buffer, [1u]);
        Assert.False(RtcpCompoundReader.IsValidCompound(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(5);
        var buffer = new byte[128];
        for (var i = 0; i < 50_000; i++)
        {
            var length = random.Next(0, buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length > 0)
            {
                buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
            }

            var reader = new RtcpCompoundReader(buffer.AsSpan(0, length));
            while (reader.TryReadNext(out var packet))
            {
                RtcpSenderReport.TryParse(packet, out _);
                RtcpReceiverReport.TryParse(packet, out _);
                RtcpSourceDescription.TryGetCname(packet, 0, out _);
                RtcpGoodbye.TryParse(packet, out _);
            }
        }
    }
}
