using System.Runtime.CompilerServices;

namespace PbxBridge.Calls.Media;

/// <summary>
/// Single-producer single-consumer ring of RTP packets between a call's browser-side receive thread (producer)
/// and the media pacer (consumer). Preallocated; no locks, no allocation per packet. When full, the newest
/// packet is dropped and counted: the jitter buffer would have dropped it as late anyway.
/// </summary>
public sealed class RtpPacketRing
{
    private const int SlotSize = 1500;
    private readonly byte[] slots;
    private readonly int[] lengths;
    private readonly long[] arrivals;
    private readonly int mask;
    private long writeIndex;
    private long readIndex;
    private long dropped;

    public RtpPacketRing(int capacity = 32)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be a power of two");
        }

        slots = new byte[capacity * SlotSize];
        lengths = new int[capacity];
        arrivals = new long[capacity];
        mask = capacity - 1;
    }

    public long Dropped => Volatile.Read(ref dropped);

    /// <summary>Producer side. Returns false (and counts) when the ring is full or the packet is oversized.</summary>
    public bool TryWrite(ReadOnlySpan<byte> packet, long arrivalTimestamp)
    {
        var write = writeIndex;
        if (packet.Length > SlotSize || write - Volatile.Read(ref readIndex) > mask)
        {
            Interlocked.Increment(ref dropped);
            return false;
        }

        var slot = (int)(write & mask);
        packet.CopyTo(slots.AsSpan(slot * SlotSize, SlotSize));
        lengths[slot] = packet.Length;
        arrivals[slot] = arrivalTimestamp;
        Volatile.Write(ref writeIndex, write + 1);
        return true;
    }

    /// <summary>Consumer side: the oldest packet, valid until the next <see cref="Advance"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPeek(out ReadOnlySpan<byte> packet, out long arrivalTimestamp)
    {
        var read = readIndex;
        if (read == Volatile.Read(ref writeIndex))
        {
            packet = default;
            arrivalTimestamp = 0;
            return false;
        }

        var slot = (int)(read & mask);
        packet = slots.AsSpan(slot * SlotSize, lengths[slot]);
        arrivalTimestamp = arrivals[slot];
        return true;
    }

    public void Advance() => Volatile.Write(ref readIndex, readIndex + 1);
}
