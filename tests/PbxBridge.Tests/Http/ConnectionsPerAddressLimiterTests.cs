using System.Net;
using PbxBridge.Http;

namespace PbxBridge.Tests.Http;

public sealed class ConnectionsPerAddressLimiterTests
{
    private sealed class SettableTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void An_address_gets_its_limit_and_other_addresses_are_not_affected()
    {
        var limiter = new ConnectionsPerAddressLimiter(2, new SettableTime());
        var a = IPAddress.Parse("192.0.2.1");

        using var first = limiter.TryAcquire(a);
        using var second = limiter.TryAcquire(a);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(limiter.TryAcquire(a));
        Assert.NotNull(limiter.TryAcquire(IPAddress.Parse("192.0.2.2")));
        Assert.Equal(1, limiter.Refused);
    }

    [Fact]
    public void An_ipv4_mapped_address_counts_as_the_ipv4_address()
    {
        var limiter = new ConnectionsPerAddressLimiter(1, new SettableTime());

        using var lease = limiter.TryAcquire(IPAddress.Parse("192.0.2.1"));

        Assert.Null(limiter.TryAcquire(IPAddress.Parse("::ffff:192.0.2.1")));
    }

    [Fact]
    public void Releasing_frees_the_place_once_even_if_disposed_twice()
    {
        var limiter = new ConnectionsPerAddressLimiter(1, new SettableTime());
        var a = IPAddress.Parse("192.0.2.1");

        var lease = limiter.TryAcquire(a)!;
        lease.Dispose();
        using var again = limiter.TryAcquire(a);
        lease.Dispose();

        Assert.NotNull(again);
        Assert.Null(limiter.TryAcquire(a));
        again!.Dispose();
        Assert.Equal(0, limiter.Addresses);
    }

    [Fact]
    public void Zero_means_no_limit()
    {
        var limiter = new ConnectionsPerAddressLimiter(0, new SettableTime());

        var leases = Enumerable.Range(0, 1000).Select(_ => limiter.TryAcquire(IPAddress.Loopback)).ToList();

        Assert.All(leases, Assert.NotNull);
        Assert.Equal(0, limiter.Refused);
    }

    [Fact]
    public void Refusals_are_logged_once_a_minute_with_their_count()
    {
        var time = new SettableTime();
        var limiter = new ConnectionsPerAddressLimiter(1, time);
        using var lease = limiter.TryAcquire(IPAddress.Loopback);

        var turns = new List<long>();
        for (var second = 0; second < 150; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.Null(limiter.TryAcquire(IPAddress.Loopback));
                if (limiter.TryTakeLogTurn(out var refused))
                {
                    turns.Add(refused);
                }
            }

            time.Now = time.Now.AddSeconds(1);
        }

        // 1,500 refusals in 150 s: three lines (at 0, 60 and 120 s), each with the refusals since the line before.
        Assert.Equal([1, 600, 600], turns);
    }
}
