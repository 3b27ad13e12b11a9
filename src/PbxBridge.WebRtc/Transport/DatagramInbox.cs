using System.Net;
using System.Net.Sockets;
using PbxBridge.Net;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// Datagrams the single UDP port's reader (one media loop) hands to another media loop, for the legs that loop owns:
/// a single-producer single-consumer ring of preallocated slots (bytes, source, arrival, leg), so a hand-off copies
/// the datagram and allocates nothing, and an eventfd the consumer's epoll watches. The producer signals once per
/// batch (<see cref="Flush"/>), not per datagram. A full ring drops the datagram (counted): the consumer's loop is
/// behind, and queueing more audio for it would only make it later.
/// </summary>
internal sealed class DatagramInbox : IDatagramReadable, IDisposable
{
    public const int Capacity = 1024;
    public const int SlotSize = 2048;

    // sockaddr_in6, the largest source a UDP datagram has.
    private const int MaxAddressLength = 28;

    private readonly byte[] _data = GC.AllocateArray<byte>(Capacity * SlotSize, pinned: true);
    private readonly int[] _lengths = new int[Capacity];
    private readonly long[] _arrivals = new long[Capacity];
    private readonly byte[] _addresses = new byte[Capacity * MaxAddressLength];
    private readonly byte[] _addressLengths = new byte[Capacity];
    private readonly ISingleUdpPortLeg?[] _legs = new ISingleUdpPortLeg?[Capacity];
    private readonly SocketAddress _source;
    private readonly int _eventFd;
    private long _head;
    private long _tail;
    private bool _pending;
    private long _dropped;
    private long _errors;

    public DatagramInbox(MediaEventLoop consumer, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        Consumer = consumer;
        _source = new SocketAddress(family == AddressFamily.InterNetworkV6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
        _eventFd = LinuxEventFd.Create();
        Watch = consumer.Watch(_eventFd, this);
    }

    public MediaEventLoop Consumer { get; }

    public DatagramWatch Watch { get; }

    /// <summary>Datagrams dropped because the ring was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Exceptions a leg threw while handling a handed-over datagram (the next one is handled regardless).</summary>
    public long Errors => Volatile.Read(ref _errors);

    /// <summary>Producer thread only: copies the datagram into the next free slot; false (counted) when the ring is full.</summary>
    public bool TryPost(ISingleUdpPortLeg leg, ReadOnlySpan<byte> datagram, SocketAddress source, long arrival)
    {
        var tail = _tail;
        if (tail - Volatile.Read(ref _head) >= Capacity || datagram.Length > SlotSize || source.Size > MaxAddressLength)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        var slot = (int)(tail % Capacity);
        datagram.CopyTo(_data.AsSpan(slot * SlotSize, SlotSize));
        _lengths[slot] = datagram.Length;
        _arrivals[slot] = arrival;
        source.Buffer.Span[..source.Size].CopyTo(_addresses.AsSpan(slot * MaxAddressLength, MaxAddressLength));
        _addressLengths[slot] = (byte)source.Size;
        _legs[slot] = leg;
        Volatile.Write(ref _tail, tail + 1);
        _pending = true;
        return true;
    }

    /// <summary>Producer thread only, after a batch: wakes the consumer once if anything was posted.</summary>
    public void Flush()
    {
        if (_pending)
        {
            _pending = false;
            LinuxEventFd.Signal(_eventFd);
        }
    }

    /// <summary>On the consumer's loop: hands every posted datagram to its leg, in order.</summary>
    public void OnReadable()
    {
        // Reset before draining: a post after the drain signals again and is served on the next pass.
        LinuxEventFd.Reset(_eventFd);
        var head = _head;
        var tail = Volatile.Read(ref _tail);
        while (head < tail)
        {
            var slot = (int)(head % Capacity);
            var leg = _legs[slot]!;
            _legs[slot] = null;
            var length = _addressLengths[slot];
            _addresses.AsSpan(slot * MaxAddressLength, length).CopyTo(_source.Buffer.Span);
            _source.Size = length;
            try
            {
                leg.OnDatagram(_data.AsSpan(slot * SlotSize, _lengths[slot]), _source, _arrivals[slot]);
            }
#pragma warning disable CA1031 // One leg's failure must not stop the hand-off of every other leg's audio.
            catch (Exception)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _errors);
            }

            head++;
            Volatile.Write(ref _head, head);
        }
    }

    public void Dispose() => LinuxEventFd.Close(_eventFd);
}
