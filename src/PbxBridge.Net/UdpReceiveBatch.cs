using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace PbxBridge.Net;

/// <summary>
/// Reads up to <see cref="Capacity"/> queued datagrams with one recvmmsg(2), without blocking, each with its source
/// and kernel arrival time (SO_TIMESTAMPNS): the single UDP port's reader, where every leg's datagrams queue on one
/// socket, pays one system call per batch instead of one per datagram. Buffers, iovecs, addresses and control space
/// are native memory allocated once. One thread (the reading loop's) uses it.
/// </summary>
public sealed unsafe class UdpReceiveBatch : IDisposable
{
    public const int Capacity = 32;
    public const int SlotSize = 2048;

    private const int MaxAddressLength = 28;
    private const int ControlSize = 64;

    private readonly int _descriptor;
    private readonly MultiMessage.Header* _headers;
    private readonly MultiMessage.IoVector* _vectors;
    private readonly byte* _data;
    private readonly byte* _addresses;
    private readonly byte* _control;
    private readonly long[] _arrivals = new long[Capacity];
    private bool _disposed;

    public UdpReceiveBatch(int descriptor)
    {
        _descriptor = descriptor;
        _headers = (MultiMessage.Header*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(MultiMessage.Header)));
        _vectors = (MultiMessage.IoVector*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(MultiMessage.IoVector)));
        _data = (byte*)NativeMemory.AllocZeroed(Capacity * SlotSize);
        _addresses = (byte*)NativeMemory.AllocZeroed(Capacity * MaxAddressLength);
        _control = (byte*)NativeMemory.AllocZeroed(Capacity * ControlSize);
        for (var i = 0; i < Capacity; i++)
        {
            _vectors[i].Base = _data + (i * SlotSize);
            _vectors[i].Length = SlotSize;
            _headers[i].Vector = _vectors + i;
            _headers[i].VectorLength = 1;
        }
    }

    /// <summary>
    /// Datagrams read (0 when none was queued), or <see cref="UdpDatagram.Error"/> for an error the socket survives
    /// (an ICMP report). Valid until the next call: <see cref="Datagram"/>, <see cref="CopySource"/>, <see cref="Arrival"/>.
    /// </summary>
    public int Receive()
    {
        for (var i = 0; i < Capacity; i++)
        {
            // The kernel shrinks these to what it wrote: reset them for every call.
            _headers[i].Name = _addresses + (i * MaxAddressLength);
            _headers[i].NameLength = MaxAddressLength;
            _headers[i].Control = _control + (i * ControlSize);
            _headers[i].ControlLength = ControlSize;
            _headers[i].Flags = 0;
        }

        int count;
        do
        {
            count = MultiMessage.recvmmsg(_descriptor, _headers, Capacity, MultiMessage.MsgDontwait, null);
        }
        while (count < 0 && Marshal.GetLastPInvokeError() == MultiMessage.Eintr);

        var now = Stopwatch.GetTimestamp();
        if (count < 0)
        {
            return Marshal.GetLastPInvokeError() == MultiMessage.Eagain ? 0 : UdpDatagram.Error;
        }

        for (var i = 0; i < count; i++)
        {
            _arrivals[i] = now - UdpDatagram.AgeInStopwatchTicks(_headers[i].Control, _headers[i].ControlLength);
        }

        return count;
    }

    public Span<byte> Datagram(int index) =>
        new(_data + (index * SlotSize), (int)Math.Min(_headers[index].Length, (uint)SlotSize));

    public long Arrival(int index) => _arrivals[index];

    /// <summary>Writes datagram <paramref name="index"/>'s source into <paramref name="source"/> (reused by the caller).</summary>
    public void CopySource(int index, SocketAddress source)
    {
        var length = (int)Math.Min(_headers[index].NameLength, (uint)Math.Min(MaxAddressLength, source.Buffer.Length));
        new ReadOnlySpan<byte>(_addresses + (index * MaxAddressLength), length).CopyTo(source.Buffer.Span);
        source.Size = length;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NativeMemory.Free(_headers);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_data);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_control);
    }
}
