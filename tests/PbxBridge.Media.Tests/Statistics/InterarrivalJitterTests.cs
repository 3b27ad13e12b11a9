using System.Diagnostics;
using PbxBridge.Media.Statistics;

namespace PbxBridge.Media.Tests.Statistics;

public sealed class InterarrivalJitterTests
{
    [Fact]
    public void Perfectly_paced_stream_has_no_jitter()
    {
        var jitter = new InterarrivalJitter(8000);
        for (var i = 0; i < 100; i++)
        {
            jitter.Update((uint)(i * 160), i * (Stopwatch.Frequency / 50));
        }

        Assert.Equal(0, jitter.Units, 3);
    }

    [Fact]
    public void Alternating_10_ms_early_and_late_converges_to_the_RFC_3550_value()
    {
        // Transit alternates by 20 ms, so |D| = 20 ms = 160 units every packet: J -> 160 with gain 1/16.
        var jitter = new InterarrivalJitter(8000);
        var ms = Stopwatch.Frequency / 1000;
        for (var i = 0; i < 400; i++)
        {
            var arrival = (i * 20 * ms) + (i % 2 == 0 ? 0 : 20 * ms);
            jitter.Update((uint)(i * 160), arrival);
        }

        Assert.Equal(160, jitter.Units, 1);
        Assert.Equal(20, jitter.Milliseconds, 1);
    }

    [Fact]
    public void First_step_follows_the_one_sixteenth_gain()
    {
        var jitter = new InterarrivalJitter(8000);
        jitter.Update(0, 0);
        jitter.Update(160, 40 * (Stopwatch.Frequency / 1000));
        Assert.Equal(160 / 16.0, jitter.Units, 6);
    }

    [Fact]
    public void Timestamp_wrap_does_not_look_like_jitter()
    {
        var jitter = new InterarrivalJitter(48000);
        var start = uint.MaxValue - (960 * 5);
        for (var i = 0; i < 20; i++)
        {
            jitter.Update(unchecked(start + (uint)(i * 960)), i * (Stopwatch.Frequency / 50));
        }

        Assert.Equal(0, jitter.Units, 3);
    }
}
