using System.Net;
using System.Runtime.InteropServices;

namespace PbxBridge.Net;

/// <summary>
/// The datagrams one media loop sends on the single UDP port during one pass, handed to the kernel together with one
/// sendmmsg(2) at the end of the pass (or when the batch is full) instead of one sendto each: a tick pass over many
/// calls is one system call per loop. Slots, iovecs, addresses and headers are native memory allocated once
/// (<see cref="MultiMessageSlots"/>), so adding a datagram copies it and allocates nothing. Only the owning loop's
/// thread adds and flushes.
/// </summary>
public sealed unsafe class UdpSendBatch : IPassEndListener, IDisposable
{
    public const int Capacity = 64;
    public const int SlotSize = 1536;

    private readonly int _descriptor;
    private readonly MultiMessageSlots _slots = new(Capacity, SlotSize);
    private int _count;
    private long _datagrams;
    private long _calls;
    private long _dropped;

    public UdpSendBatch(int descriptor) => _descriptor = descriptor;

    /// <summary>Datagrams handed to the kernel, and the sendmmsg calls that carried them.</summary>
    public long Datagrams => Interlocked.Read(ref _datagrams);

    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Datagrams the kernel refused (a full socket buffer, an unreachable destination).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a copy of <paramref name="datagram"/> to <paramref name="target"/>; false when it cannot be batched (too large).</summary>
    public bool TryAdd(ReadOnlySpan<byte> datagram, SocketAddress target)
    {
        if (_slots.IsDisposed || !_slots.Fits(datagram.Length, target))
        {
            return false;
        }

        if (_count == Capacity)
        {
            Flush();
        }

        _slots.Set(_count++, datagram, target);
        return true;
    }

    public void OnPassEnd() => Flush();

    /// <summary>Sends what is queued: one sendmmsg, more only when the kernel stops part-way (a refused datagram is skipped).</summary>
    public void Flush()
    {
        var offset = 0;
        while (offset < _count)
        {
            var sent = MultiMessage.sendmmsg(_descriptor, _slots.Headers + offset, (uint)(_count - offset), 0);
            _calls++;
            if (sent > 0)
            {
                offset += sent;
                _datagrams += sent;
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == MultiMessage.Eintr)
            {
                continue;
            }

            // The first remaining datagram failed (an ICMP error reported on the socket, an unreachable address):
            // drop it, as a sendto of it would have, and send the rest.
            _dropped++;
            offset++;
        }

        _count = 0;
    }

    public void Dispose() => _slots.Dispose();
}
