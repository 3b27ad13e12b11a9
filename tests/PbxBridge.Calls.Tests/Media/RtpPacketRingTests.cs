using PbxBridge.Calls.Media;

namespace PbxBridge.Calls.Tests.Media;

public sealed class RtpPacketRingTests
{
    [Fact]
    public void Packets_come_out_in_order_with_their_arrival_times()
    {
        var ring = new RtpPacketRing(4);
        Assert.True(ring.TryWrite([1, 2, 3], 10));
        Assert.True(ring.TryWrite([4], 20));

        Assert.True(ring.TryPeek(out var first, out var at1));
        Assert.Equal(new byte[] { 1, 2, 3 }, first.ToArray());
        Assert.Equal(10, at1);
        ring.Advance();
        Assert.True(ring.TryPeek(out var second, out var at2));
        Assert.Equal(new byte[] { 4 }, second.ToArray());
        Assert.Equal(20, at2);
        ring.Advance();
        Assert.False(ring.TryPeek(out _, out _));
    }

    [Fact]
    public void A_full_ring_drops_the_newest_packet_and_counts_it()
    {
        var ring = new RtpPacketRing(2);
        Assert.True(ring.TryWrite([1], 0));
        Assert.True(ring.TryWrite([2], 0));
        Assert.False(ring.TryWrite([3], 0));
        Assert.Equal(1, ring.Dropped);
        Assert.True(ring.TryPeek(out var oldest, out _));
        Assert.Equal(1, oldest[0]);
    }

    [Fact]
    public void An_oversized_datagram_is_refused_not_truncated()
    {
        var ring = new RtpPacketRing(2);
        Assert.False(ring.TryWrite(new byte[1501], 0));
        Assert.Equal(1, ring.Dropped);
        Assert.False(ring.TryPeek(out _, out _));
    }

    [Fact]
    public async Task One_producer_and_one_consumer_on_two_threads_lose_nothing_that_fit()
    {
        var ring = new RtpPacketRing(64);
        const int count = 100_000;
        var producer = Task.Run(() =>
        {
            var sent = 0;
            var buffer = new byte[4];
            while (sent < count)
            {
                BitConverter.TryWriteBytes(buffer, sent);
                if (ring.TryWrite(buffer, sent))
                {
                    sent++;
                }
            }
        });
        var expected = 0;
        while (expected < count)
        {
            if (ring.TryPeek(out var packet, out var arrival))
            {
                Assert.Equal(expected, BitConverter.ToInt32(packet));
                Assert.Equal(expected, arrival);
                ring.Advance();
                expected++;
            }
        }

        await producer;
    }
}
