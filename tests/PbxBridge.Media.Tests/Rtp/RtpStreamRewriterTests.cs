using System.Diagnostics;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Media.Tests.Rtp;

public sealed class RtpStreamRewriterTests
{
    private static readonly long s_tick20Ms = Stopwatch.Frequency / 50;

    [Fact]
    public void Sequence_and_timestamp_stay_continuous_across_an_ssrc_change()
    {
        var rewriter = new RtpStreamRewriter(outputSsrc: 777, initialSequenceNumber: 65534, initialTimestamp: 1000, clockRate: 8000);
        var outputs = new List<(ushort Seq, uint Ts, uint Ssrc, bool Marker)>();
        long now = 0;
        for (var i = 0; i < 5; i++, now += s_tick20Ms)
        {
            outputs.Add(Relay(rewriter, ssrc: 1, seq: (ushort)(30000 + i), ts: (uint)(50000 + (160 * i)), now));
        }

        // The browser renegotiates: new SSRC, new random sequence and timestamp bases, after one 20 ms frame time.
        for (var i = 0; i < 5; i++, now += s_tick20Ms)
        {
            outputs.Add(Relay(rewriter, ssrc: 2, seq: (ushort)(9 + i), ts: (uint)(4_000_000_000 + (160 * i)), now));
        }

        for (var i = 1; i < outputs.Count; i++)
        {
            Assert.Equal((ushort)(outputs[i - 1].Seq + 1), outputs[i].Seq);
            Assert.Equal(outputs[i - 1].Ts + 160, outputs[i].Ts);
            Assert.Equal(777u, outputs[i].Ssrc);
        }

        Assert.Equal(65534, outputs[0].Seq);
        Assert.Equal(1000u, outputs[0].Ts);
        Assert.True(outputs[5].Marker);
        Assert.False(outputs[6].Marker);
        Assert.Equal(1, rewriter.Rebases);
    }

    [Fact]
    public void Timestamp_jumps_by_the_wall_clock_gap_when_the_new_source_starts_late()
    {
        var rewriter = new RtpStreamRewriter(777, 0, 0, 8000);
        var first = Relay(rewriter, 1, 10, 10, 0);
        var second = Relay(rewriter, 2, 500, 99, s_tick20Ms * 50);
        Assert.Equal(first.Seq + 1, second.Seq);
        Assert.InRange(second.Ts - first.Ts, 7990u, 8010u);
    }

    [Fact]
    public void Reordered_packets_keep_their_relative_order_and_do_not_rebase()
    {
        var rewriter = new RtpStreamRewriter(5, 100, 0, 8000);
        var a = Relay(rewriter, 1, 10, 0, 0);
        var c = Relay(rewriter, 1, 12, 320, s_tick20Ms);
        var b = Relay(rewriter, 1, 11, 160, s_tick20Ms);
        Assert.Equal(new ushort[] { 100, 102, 101 }, new[] { a.Seq, c.Seq, b.Seq });
        Assert.Equal(160u, b.Ts - a.Ts);
        Assert.Equal(0, rewriter.Rebases);
    }

    [Fact]
    public void A_sequence_restart_within_one_ssrc_is_rebased()
    {
        var rewriter = new RtpStreamRewriter(5, 100, 0, 8000);
        var a = Relay(rewriter, 1, 10, 0, 0);
        var b = Relay(rewriter, 1, 40000, 160, s_tick20Ms);
        Assert.Equal(a.Seq + 1, b.Seq);
        Assert.Equal(1, rewriter.Rebases);
    }

    [Fact]
    public void Suppressed_dtmf_packets_leave_no_sequence_gap()
    {
        var rewriter = new RtpStreamRewriter(5, 100, 0, 8000);
        var a = Relay(rewriter, 1, 10, 0, 0);
        var dtmf = new byte[16];
        RtpPacketWriter.Write(dtmf, new RtpHeaderFields(101, 11, 160, 1), new byte[4]);
        Assert.True(rewriter.Suppress(dtmf, s_tick20Ms));
        RtpPacketWriter.Write(dtmf, new RtpHeaderFields(101, 12, 160, 1), new byte[4]);
        Assert.True(rewriter.Suppress(dtmf, 2 * s_tick20Ms));
        var b = Relay(rewriter, 1, 13, 480, 3 * s_tick20Ms);
        Assert.Equal(a.Seq + 1, b.Seq);
        Assert.Equal(480u, b.Ts - a.Ts);
        Assert.False(rewriter.Suppress(new byte[3], 0));
    }

    [Fact]
    public void Non_rtp_input_is_left_untouched()
    {
        var rewriter = new RtpStreamRewriter(5, 100, 0, 8000);
        var data = new byte[] { 0x40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
        var copy = data.ToArray();
        Assert.False(rewriter.Rewrite(data, 0));
        Assert.Equal(copy, data);
    }

    private static (ushort Seq, uint Ts, uint Ssrc, bool Marker) Relay(RtpStreamRewriter rewriter, uint ssrc, ushort seq, uint ts, long now)
    {
        var buffer = new byte[12 + 160];
        var length = RtpPacketWriter.Write(buffer, new RtpHeaderFields(0, seq, ts, ssrc), new byte[160]);
        Assert.True(rewriter.Rewrite(buffer.AsSpan(0, length), now));
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet));
        return (packet.SequenceNumber, packet.Timestamp, packet.Ssrc, packet.Marker);
    }
}
