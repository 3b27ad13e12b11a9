using System.Net;
using PbxBridge.WebRtc.Ice;

namespace PbxBridge.WebRtc.Tests.Ice;

public sealed class StunTransactionMemoryTests
{
    private static readonly SocketAddress Browser = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 50000).Serialize();
    private static readonly SocketAddress Attacker = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000).Serialize();

    [Fact]
    public void A_call_s_memory_of_512_checks_costs_under_8_KB_not_a_28_byte_address_per_id()
    {
        // Counted by allocation: with a copy of the source per id this was 21 KB, the largest array of a call.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var memory = new StunTransactionMemory();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 8 * 1024, $"{allocated} bytes for one memory");
        GC.KeepAlive(memory);
    }

    [Fact]
    public void An_id_is_known_from_its_own_address_and_a_copy_from_another_is_told_apart()
    {
        var memory = new StunTransactionMemory();
        memory.Remember(Id(1), Browser);

        Assert.Equal(StunTransactionSeen.FromSameAddress, memory.Find(Id(1), Browser));
        Assert.Equal(StunTransactionSeen.FromAnotherAddress, memory.Find(Id(1), Attacker));
        Assert.Equal(StunTransactionSeen.New, memory.Find(Id(2), Browser));
    }

    [Fact]
    public void Ids_beyond_the_ring_are_forgotten_oldest_first()
    {
        var memory = new StunTransactionMemory();
        for (var i = 0; i <= StunTransactionMemory.Capacity; i++)
        {
            memory.Remember(Id(i), Browser);
        }

        Assert.Equal(StunTransactionSeen.New, memory.Find(Id(0), Attacker));
        Assert.Equal(StunTransactionSeen.FromAnotherAddress, memory.Find(Id(1), Attacker));
        Assert.Equal(StunTransactionSeen.FromSameAddress, memory.Find(Id(StunTransactionMemory.Capacity), Browser));
    }

    [Fact]
    public void Past_the_address_table_the_least_recently_used_address_goes_with_its_ids_and_the_others_stay()
    {
        var memory = new StunTransactionMemory();
        memory.Remember(Id(1000), Browser);
        for (var i = 0; i < StunTransactionMemory.AddressCapacity - 1; i++)
        {
            memory.Remember(Id(i), Address(i));
        }

        // The browser's address is used again, so the first of the others is now the least recently used.
        memory.Remember(Id(1001), Browser);
        memory.Remember(Id(2000), Address(500));

        Assert.Equal(StunTransactionSeen.New, memory.Find(Id(0), Address(0)));
        Assert.Equal(StunTransactionSeen.FromSameAddress, memory.Find(Id(1), Address(1)));
        Assert.Equal(StunTransactionSeen.FromSameAddress, memory.Find(Id(1000), Browser));
        Assert.Equal(StunTransactionSeen.FromAnotherAddress, memory.Find(Id(1000), Attacker));
        Assert.Equal(StunTransactionSeen.FromSameAddress, memory.Find(Id(2000), Address(500)));
    }

    private static SocketAddress Address(int i) => new IPEndPoint(IPAddress.Parse("198.51.100.1"), 10000 + i).Serialize();

    private static byte[] Id(int i)
    {
        var id = new byte[12];
        BitConverter.TryWriteBytes(id, i);
        id[11] = 0x5A;
        return id;
    }
}
