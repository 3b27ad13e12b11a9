using System.Diagnostics;
using PbxBridge.Media.Statistics;

namespace PbxBridge.Media.Tests.Statistics;

public sealed class RtpReceptionStatisticsTests
{
    private static readonly long s_tick20Ms = Stopwatch.Frequency / 50;

    [Fact]
    public void Loss_and_fraction_lost_follow_RFC_3550_A3()
    {
        var statistics = new RtpReceptionStatistics(8000);
        // 100 expected, every 10th missing: 10 lost, fraction 10/100 * 256 = 25.
        for (var i = 0; i < 100; i++)
        {
            if (i % 10 != 5)
            {
                statistics.Update((ushort)(1000 + i), (uint)(160 * i), i * s_tick20Ms);
            }
        }

        var block = statistics.CreateReportBlock(0xABCD);
        Assert.Equal(0xABCDu, block.Ssrc);
        Assert.Equal(10, block.CumulativeLost);
        Assert.Equal(25, block.FractionLost);
        Assert.Equal(1099u, block.ExtendedHighestSequenceNumber);
        Assert.Equal(0u, block.Jitter);

        // Next interval: nothing lost, so the fraction drops to 0 while the cumulative count stays.
        for (var i = 100; i < 150; i++)
        {
            statistics.Update((ushort)(1000 + i), (uint)(160 * i), i * s_tick20Ms);
        }

        block = statistics.CreateReportBlock(0xABCD);
        Assert.Equal(0, block.FractionLost);
        Assert.Equal(10, block.CumulativeLost);
    }

    [Fact]
    public void Sequence_wrap_counts_a_cycle()
    {
        var statistics = new RtpReceptionStatistics(8000);
        for (var i = 0; i < 10; i++)
        {
            statistics.Update((ushort)(65530 + i), (uint)(160 * i), i * s_tick20Ms);
        }

        Assert.Equal(0x1_0003u, statistics.ExtendedHighestSequenceNumber);
        Assert.Equal(0, statistics.CumulativeLost);
    }

    [Fact]
    public void A_big_jump_is_believed_only_when_the_next_packet_confirms_it()
    {
        var statistics = new RtpReceptionStatistics(8000);
        statistics.Update(100, 0, 0);
        statistics.Update(101, 160, s_tick20Ms);
        Assert.False(statistics.Update(40000, 320, 2 * s_tick20Ms));
        Assert.Equal(101u, statistics.ExtendedHighestSequenceNumber);
        Assert.True(statistics.Update(40001, 480, 3 * s_tick20Ms));
        Assert.Equal(40001u, statistics.ExtendedHighestSequenceNumber);
        Assert.Equal(1, statistics.Received);
        Assert.Equal(0, statistics.CumulativeLost);
    }

    [Fact]
    public void Duplicates_make_cumulative_loss_negative()
    {
        var statistics = new RtpReceptionStatistics(8000);
        statistics.Update(1, 0, 0);
        statistics.Update(2, 160, s_tick20Ms);
        statistics.Update(2, 160, s_tick20Ms);
        Assert.Equal(-1, statistics.CreateReportBlock(1).CumulativeLost);
    }
}
