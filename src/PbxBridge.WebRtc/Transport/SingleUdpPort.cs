using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using PbxBridge.Net;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// Every browser leg on one UDP socket (<c>Media:SingleUdpPort</c>), so a firewall needs one rule. A datagram finds
/// its leg by the ICE username while it is a STUN check (RFC 8445 §7.3: USERNAME is "our ufrag:their ufrag", and our
/// ufrag names the leg), and by its source address once that leg has verified a check from it (the 5-tuple, as each
/// leg's own socket did before). Only a leg binds an address, and only after the check's MESSAGE-INTEGRITY verified
/// with its password: a check naming someone else's ufrag with a wrong integrity reaches that leg, which drops it, and
/// moves nothing. DTLS, SRTP and RTCP from an address no leg bound are dropped here (counted).
/// One media loop reads the socket; a datagram for a leg of another loop is copied into that loop's
/// <see cref="DatagramInbox"/>, so each leg's ICE, DTLS and SRTP state stays on the one thread that owns it, as with
/// per-leg sockets. The lookups are lock-free (ConcurrentDictionary reads) and allocate nothing per datagram.
/// </summary>
public sealed class SingleUdpPort : IDatagramReadable, IAsyncDisposable
{
    private const int BufferSize = 2048;
    private const int SocketBufferBytes = 4 * 1024 * 1024;

    private readonly IceUfragDirectory<ISingleUdpPortLeg> _ufrags = new();
    private readonly ConcurrentDictionary<RemoteAddressKey, ISingleUdpPortLeg> _addresses = new();
    private readonly Socket _socket;
    private readonly int _descriptor;
    private readonly MediaEventLoop _reader;
    private readonly DatagramInbox?[] _inboxes;
    private readonly MediaEventLoop[] _loops;
    private readonly byte[] _buffer = GC.AllocateArray<byte>(BufferSize, pinned: true);
    private readonly SocketAddress _source;
    private readonly UdpReceiveBatch? _receiveBatch;
    private readonly UdpSendBatch[]? _sendBatches;
    private DatagramWatch? _watch;
    private long _datagrams;
    private long _unknownUfrag;
    private long _unknownAddress;
    private long _receiveErrors;
    private long _handlerErrors;
    private long _rebinds;
    private long _receiveCalls;

    /// <summary>
    /// Binds <paramref name="bindAddress"/>:<paramref name="port"/> (throws SocketException when it is taken) and
    /// reads it on the first of <paramref name="loops"/>; legs must live on one of them.
    /// </summary>
    public SingleUdpPort(IPAddress bindAddress, int port, IReadOnlyList<MediaEventLoop> loops, bool batch = true)
        : this(Bind(bindAddress, port), loops, batch)
    {
    }

    /// <summary>
    /// Takes over <paramref name="socket"/>, made by <see cref="Bind"/> (the service binds it before anything starts).
    /// With <paramref name="batch"/> the socket is read with recvmmsg and each loop's sends of a pass go out with one
    /// sendmmsg; without, one recvmsg / sendto per datagram (kept to measure what batching saves).
    /// </summary>
    public SingleUdpPort(Socket socket, IReadOnlyList<MediaEventLoop> loops, bool batch = true)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(loops);
        if (loops.Count == 0)
        {
            throw new ArgumentException("at least one media loop is needed", nameof(loops));
        }

        _socket = socket;
        _descriptor = UdpDatagram.DescriptorOf(_socket);
        _source = new SocketAddress(_socket.AddressFamily);
        _loops = [.. loops];
        _reader = _loops[0];
        _inboxes = new DatagramInbox?[_loops.Length];
        for (var i = 1; i < _loops.Length; i++)
        {
            _inboxes[i] = new DatagramInbox(_loops[i], _socket.AddressFamily);
        }

        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        if (batch)
        {
            _receiveBatch = new UdpReceiveBatch(_descriptor);
            _sendBatches = new UdpSendBatch[_loops.Length];
            for (var i = 0; i < _loops.Length; i++)
            {
                _sendBatches[i] = new UdpSendBatch(_descriptor);
                _loops[i].AddPassEndListener(_sendBatches[i]);
            }
        }

        _watch = _reader.Watch(_socket, this);
    }

    public int Port { get; }

    /// <summary>The port's socket, bound; throws SocketException when another process holds the port.</summary>
    public static Socket Bind(IPAddress bindAddress, int port)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        var socket = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(bindAddress, port));
            // One socket carries what a thousand sockets' buffers did: ask for room for bursts (the kernel caps it
            // at net.core.rmem_max / wmem_max).
            socket.ReceiveBufferSize = SocketBufferBytes;
            socket.SendBufferSize = SocketBufferBytes;
            UdpDatagram.EnableArrivalTimestamps(socket);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The one socket: every leg sends on it (the kernel serialises concurrent sendto on a UDP socket).</summary>
    public Socket Socket => _socket;

    /// <summary>Datagrams read from the socket.</summary>
    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>STUN checks whose USERNAME names no leg (a stranger, or a leg that has ended): dropped.</summary>
    public long UnknownUfrag => Interlocked.Read(ref _unknownUfrag);

    /// <summary>DTLS, SRTP, RTCP (or STUN without USERNAME) from an address no leg has verified: dropped.</summary>
    public long UnknownAddress => Interlocked.Read(ref _unknownAddress);

    /// <summary>Datagrams dropped because the owning loop's inbox was full.</summary>
    public long InboxDropped => _inboxes.Sum(i => i?.Dropped ?? 0);

    /// <summary>recvmsg errors (ICMP reports) and exceptions legs threw on a datagram.</summary>
    public long Errors => Interlocked.Read(ref _receiveErrors) + Interlocked.Read(ref _handlerErrors) + _inboxes.Sum(i => i?.Errors ?? 0);

    /// <summary>Addresses a leg took over from another leg or bound anew after a network change (authenticated checks only).</summary>
    public long Rebinds => Interlocked.Read(ref _rebinds);

    /// <summary>Legs' ufrags known now (a restarting leg has two for a moment).</summary>
    public int UfragCount => _ufrags.Count;

    /// <summary>Remote addresses bound to a leg now.</summary>
    public int AddressCount => _addresses.Count;

    /// <summary>Whether datagrams go through recvmmsg / sendmmsg batches.</summary>
    public bool IsBatching => _receiveBatch is not null;

    /// <summary>recvmmsg calls made (each read one or more datagrams), with batching.</summary>
    public long ReceiveCalls => Interlocked.Read(ref _receiveCalls);

    /// <summary>sendmmsg calls made and datagrams they carried, over all loops, with batching.</summary>
    public long SendCalls => _sendBatches?.Sum(b => b.Calls) ?? 0;

    public long BatchedSends => _sendBatches?.Sum(b => b.Datagrams) ?? 0;

    /// <summary>
    /// Sends one datagram from a leg: batched into the current loop's next sendmmsg when called on one of the port's
    /// loops (the media path), else at once with sendto (the DTLS thread's handshake flights).
    /// </summary>
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress target, MediaEventLoop callerLoop)
    {
        if (_sendBatches is not null && callerLoop.IsCurrentThread)
        {
            var index = Array.IndexOf(_loops, callerLoop);
            if (index >= 0 && _sendBatches[index].TryAdd(datagram, target))
            {
                return;
            }
        }

        _socket.SendTo(datagram, SocketFlags.None, target);
    }

    public void OnReadable()
    {
        if (_receiveBatch is { } batch)
        {
            ReadBatch(batch);
            return;
        }

        var length = UdpDatagram.TryReceiveFrom(_descriptor, _buffer, _source, out var arrival);
        if (length < 0)
        {
            if (length == UdpDatagram.Error)
            {
                Interlocked.Increment(ref _receiveErrors);
            }

            return;
        }

        Interlocked.Increment(ref _datagrams);
        Deliver(_buffer.AsSpan(0, length), _source, arrival);
        FlushInboxes();
    }

    private void ReadBatch(UdpReceiveBatch batch)
    {
        var count = batch.Receive();
        _receiveCalls++;
        if (count <= 0)
        {
            if (count == UdpDatagram.Error)
            {
                Interlocked.Increment(ref _receiveErrors);
            }

            return;
        }

        Interlocked.Add(ref _datagrams, count);
        for (var i = 0; i < count; i++)
        {
            batch.CopySource(i, _source);
            Deliver(batch.Datagram(i), _source, batch.Arrival(i));
        }

        FlushInboxes();
    }

    public async ValueTask DisposeAsync()
    {
        if (_watch is { } watch)
        {
            _watch = null;
            await _reader.UnwatchAsync(watch);
        }

        for (var i = 1; i < _inboxes.Length; i++)
        {
            await _loops[i].UnwatchAsync(_inboxes[i]!.Watch);
            _inboxes[i]!.Dispose();
        }

        if (_sendBatches is not null)
        {
            for (var i = 0; i < _loops.Length; i++)
            {
                await _loops[i].RemovePassEndListenerAsync(_sendBatches[i]);
                _sendBatches[i].Dispose();
            }
        }

        _receiveBatch?.Dispose();
        _socket.Dispose();
    }

    /// <summary>
    /// The leg a datagram is for, or null (counted): a STUN message with USERNAME by its ufrag, anything else by the
    /// address a leg bound. Lock-free, allocation-free.
    /// </summary>
    internal ISingleUdpPortLeg? Route(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        if (DatagramClassifier.Classify(datagram) == DatagramKind.Stun &&
            StunMessage.TryParse(datagram, out var stun) &&
            stun.TryGetAttribute(StunAttributeType.Username, out var username))
        {
            if (_ufrags.TryFind(username, out var leg))
            {
                return leg;
            }

            Interlocked.Increment(ref _unknownUfrag);
            return null;
        }

        if (_addresses.TryGetValue(RemoteAddressKey.From(source), out var bound))
        {
            return bound;
        }

        Interlocked.Increment(ref _unknownAddress);
        return null;
    }

    internal void RegisterUfrag(string ufrag, ISingleUdpPortLeg leg)
    {
        CheckLoop(leg);
        _ufrags.Register(ufrag, leg);
    }

    /// <summary>Removes the entry only if it is still <paramref name="leg"/>'s.</summary>
    internal void UnregisterUfrag(string ufrag, ISingleUdpPortLeg leg) => _ufrags.Unregister(ufrag, leg);

    /// <summary>
    /// Media from <paramref name="address"/> goes to <paramref name="leg"/> from now on. Only for an address the leg's
    /// ICE agent verified (a check with its credentials came from it); the latest such check wins.
    /// </summary>
    internal void BindAddress(SocketAddress address, ISingleUdpPortLeg leg)
    {
        CheckLoop(leg);
        var key = RemoteAddressKey.From(address);
        var previous = _addresses.GetValueOrDefault(key);
        if (ReferenceEquals(previous, leg))
        {
            return;
        }

        _addresses[key] = leg;
        if (previous is not null)
        {
            Interlocked.Increment(ref _rebinds);
        }
    }

    /// <summary>Removes the binding only if it is still <paramref name="leg"/>'s.</summary>
    internal void UnbindAddress(SocketAddress address, ISingleUdpPortLeg leg) =>
        _addresses.TryRemove(new KeyValuePair<RemoteAddressKey, ISingleUdpPortLeg>(RemoteAddressKey.From(address), leg));

    private void Deliver(Span<byte> datagram, SocketAddress source, long arrival)
    {
        if (Route(datagram, source) is not { } leg)
        {
            return;
        }

        var loop = leg.Loop;
        if (ReferenceEquals(loop, _reader))
        {
            try
            {
                leg.OnDatagram(datagram, source, arrival);
            }
#pragma warning disable CA1031 // One leg's failure must not stop the reader every leg depends on.
            catch (Exception)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _handlerErrors);
            }

            return;
        }

        for (var i = 1; i < _loops.Length; i++)
        {
            if (ReferenceEquals(_loops[i], loop))
            {
                _inboxes[i]!.TryPost(leg, datagram, source, arrival);
                return;
            }
        }
    }

    private void FlushInboxes()
    {
        for (var i = 1; i < _inboxes.Length; i++)
        {
            _inboxes[i]!.Flush();
        }
    }

    private void CheckLoop(ISingleUdpPortLeg leg)
    {
        if (Array.IndexOf(_loops, leg.Loop) < 0)
        {
            throw new InvalidOperationException("A leg on the single UDP port must run on one of the port's media loops.");
        }
    }

    public override string ToString() => $"single UDP port {Port}";
}
