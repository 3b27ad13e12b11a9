using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests;

public sealed class PbxReconnectBackoffTests
{
    [Fact]
    public void Delay_doubles_within_jitter_and_stops_at_the_cap()
    {
        var backoff = new PbxReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), new Random(7));

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalMilliseconds).ToArray();

        double[] bases = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
        for (var i = 0; i < bases.Length; i++)
        {
            Assert.InRange(delays[i], bases[i] * 0.8, Math.Min(bases[i] * 1.2, 1000));
        }
    }

    [Fact]
    public void Reset_starts_again_from_the_initial_delay()
    {
        var backoff = new PbxReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(1));
        for (var i = 0; i < 5; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        Assert.InRange(backoff.Next().TotalMilliseconds, 80, 120);
    }

    [Fact]
    public void Jitter_spreads_nodes_that_reconnect_at_the_same_moment()
    {
        var a = new PbxReconnectBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), new Random(1));
        var b = new PbxReconnectBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), new Random(2));

        Assert.NotEqual(a.Next(), b.Next());
    }
}
