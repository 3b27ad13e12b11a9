using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace PbxBridge.Net;

/// <summary>
/// Reads up to <see cref="Capacity"/> queued datagrams with one recvmmsg(2), without blocking, each with its source
/// and kernel arrival time (SO_TIMESTAMPNS): the single UDP port's reader, where every leg's datagrams queue on one
/// socket, pays one system call per batch instead of one per datagram. Buffers, iovecs, addresses and control space
/// are native memory allocated once (<see cref="MultiMessageSlots"/>). One thread (the reading loop's) uses it.
/// </summary>
public sealed unsafe class UdpReceiveBatch : IDisposable
{
    public const int Capacity = 32;
    public const int SlotSize = 2048;

    private const int ControlSize = 64;

    private readonly int _descriptor;
    private readonly MultiMessageSlots _slots = new(Capacity, SlotSize, ControlSize);
    private readonly long[] _arrivals = new long[Capacity];

    public UdpReceiveBatch(int descriptor) => _descriptor = descriptor;

    /// <summary>
    /// Datagrams read (0 when none was queued), or <see cref="UdpDatagram.Error"/> for an error the socket survives
    /// (an ICMP report). Valid until the next call: <see cref="Datagram"/>, <see cref="CopySource"/>, <see cref="Arrival"/>.
    /// </summary>
    public int Receive()
    {
        _slots.PrepareToReceive();
        var headers = _slots.Headers;
        int count;
        do
        {
            count = MultiMessage.recvmmsg(_descriptor, headers, Capacity, MultiMessage.MsgDontwait, null);
        }
        while (count < 0 && Marshal.GetLastPInvokeError() == MultiMessage.Eintr);

        var now = Stopwatch.GetTimestamp();
        if (count < 0)
        {
            return Marshal.GetLastPInvokeError() == MultiMessage.Eagain ? 0 : UdpDatagram.Error;
        }

        for (var i = 0; i < count; i++)
        {
            _arrivals[i] = now - UdpDatagram.AgeInStopwatchTicks(headers[i].Control, headers[i].ControlLength);
        }

        return count;
    }

    public Span<byte> Datagram(int index) => _slots.Received(index);

    public long Arrival(int index) => _arrivals[index];

    /// <summary>Writes datagram <paramref name="index"/>'s source into <paramref name="source"/> (reused by the caller).</summary>
    public void CopySource(int index, SocketAddress source) => _slots.CopySource(index, source);

    public void Dispose() => _slots.Dispose();
}
