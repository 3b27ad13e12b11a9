using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PbxBridge.Net;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// One browser's ICE-TCP connection (RFC 6544, we are the passive side) after its first check named the leg it
/// belongs to. It lives on the leg's media loop like the leg's UDP socket: reads are non-blocking into one pinned
/// buffer, each RFC 4571 frame is classified by its first byte (RFC 7983) and handed to the same sink, with the
/// connection's remote address as the source, so ICE, DTLS and SRTP cannot tell it from UDP. Sending frames a
/// packet into one pinned buffer; when the kernel's send buffer is full the packet is dropped and counted (RTP is
/// late anyway; DTLS retransmits), which leaves TCP's head-of-line delay to the browser's jitter buffer instead of
/// queueing audio here. Nothing is allocated per packet.
/// </summary>
internal sealed class IceTcpConnection : IDatagramReadable, IPacedStream
{
    /// <summary>The largest packet accepted in a frame: WebRTC's stay under the path MTU; more is not ICE-TCP.</summary>
    public const int MaxFrame = 4096;

    private readonly Socket _socket;
    private readonly int _descriptor;
    private readonly IDatagramSink _sink;
    private readonly MediaEventLoop _loop;
    private readonly Action<IceTcpConnection> _closed;
    private readonly byte[] _in = GC.AllocateArray<byte>(Rfc4571Frame.HeaderSize + MaxFrame, pinned: true);
    private readonly byte[] _out = GC.AllocateArray<byte>(Rfc4571Frame.HeaderSize + MaxFrame, pinned: true);

    // Sends come from the media loop (RTP, STUN answers) and the leg's DTLS thread (handshake flights): one frame
    // must reach the stream whole before the next starts. The lock is this connection's own, uncontended once
    // DTLS is done; no other leg ever takes it.
    private readonly Lock _sending = new();
    private int _filled;
    private int _unsentStart;
    private int _unsentEnd;
    private DatagramWatch _watch;
    private int _closing;
    private long _framesIn;
    private long _framesOut;
    private long _sendsDropped;
    private long _errors;

    /// <summary>
    /// Takes over <paramref name="socket"/>, whose first frame (<paramref name="firstFrame"/>, header included) the
    /// opener already read: it is handled on the loop's next tick or read, whichever comes first.
    /// </summary>
    public IceTcpConnection(Socket socket, ReadOnlySpan<byte> firstFrame, IDatagramSink sink, MediaEventLoop loop, Action<IceTcpConnection> closed)
    {
        _socket = socket;
        _descriptor = UdpDatagram.DescriptorOf(socket);
        _sink = sink;
        _loop = loop;
        _closed = closed;
        Remote = ((IPEndPoint)socket.RemoteEndPoint!).Serialize();
        firstFrame.CopyTo(_in);
        _filled = firstFrame.Length;
    }

    /// <summary>The browser's end of the connection: the source address ICE verifies and nominates.</summary>
    public SocketAddress Remote { get; }

    public long FramesReceived => Volatile.Read(ref _framesIn);

    public long FramesSent => Volatile.Read(ref _framesOut);

    public long SendsDropped => Volatile.Read(ref _sendsDropped);

    /// <summary>Packets whose handling threw (the connection goes on); the last exception is kept for diagnostics.</summary>
    public long Errors => Volatile.Read(ref _errors);

    public Exception? LastError { get; private set; }

    public bool IsClosed => Volatile.Read(ref _closing) != 0;

    public void Start()
    {
        // Under the lock: a connection that fails at once is closed from the loop, which must find its watch set.
        lock (_sending)
        {
            _loop.AddStream(this);
            _watch = _loop.Watch(_socket, this);
        }
    }

    public void OnReadable()
    {
        if (IsClosed)
        {
            return;
        }

        var read = TcpSegments.Receive(_descriptor, _in.AsSpan(_filled));
        if (read == TcpSegments.WouldBlock)
        {
            return;
        }

        if (read <= 0)
        {
            // 0: the browser closed it (it ended the pair, or the page went away); an error: reset. Either way done.
            _ = CloseAsync();
            return;
        }

        _filled += read;
        DeliverFrames();
    }

    /// <summary>Every tick: the first frame, if no read came first, and whatever a full send buffer held back.</summary>
    public void OnTick(long now)
    {
        if (_filled > 0 && !IsClosed)
        {
            DeliverFrames();
        }

        if (_unsentEnd > _unsentStart)
        {
            lock (_sending)
            {
                FlushLocked();
            }
        }
    }

    /// <summary>Sends one packet as one frame; false when it was dropped (connection closed or its buffer full).</summary>
    public bool Send(ReadOnlySpan<byte> packet)
    {
        if (packet.Length > MaxFrame || IsClosed)
        {
            Interlocked.Increment(ref _sendsDropped);
            return false;
        }

        lock (_sending)
        {
            // A frame the kernel took only part of must finish before any other starts, or the stream is garbage.
            if (IsClosed || (_unsentEnd > _unsentStart && !FlushLocked()))
            {
                Interlocked.Increment(ref _sendsDropped);
                return false;
            }

            Rfc4571Frame.WriteHeader(_out, packet.Length);
            packet.CopyTo(_out.AsSpan(Rfc4571Frame.HeaderSize));
            var total = Rfc4571Frame.HeaderSize + packet.Length;
            var sent = TcpSegments.Send(_descriptor, _out.AsSpan(0, total));
            if (sent < 0)
            {
                // Full (WouldBlock) or failing: the packet is lost like a UDP datagram would be; the reader sees a failure.
                Interlocked.Increment(ref _sendsDropped);
                return false;
            }

            if (sent < total)
            {
                _unsentStart = sent;
                _unsentEnd = total;
            }

            Interlocked.Increment(ref _framesOut);
            return true;
        }
    }

    /// <summary>Off the loop, then the socket closed; the owner is told once. Safe from any thread, more than once.</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _closed(this);
        DatagramWatch watch;
        lock (_sending)
        {
            watch = _watch;
        }

        await _loop.UnwatchAsync(watch).ConfigureAwait(false);
        await _loop.RemoveStreamAsync(this).ConfigureAwait(false);
        lock (_sending)
        {
            _socket.Dispose();
        }
    }

    public override string ToString() => $"ICE-TCP connection from {_socket.RemoteEndPoint}";

    private void DeliverFrames()
    {
        var offset = 0;
        while (Rfc4571Frame.TryReadLength(_in.AsSpan(offset, _filled - offset), out var length))
        {
            if (length > MaxFrame)
            {
                // Not RFC 4571 framing of WebRTC packets: nothing after it can be trusted to be in step either.
                _ = CloseAsync();
                return;
            }

            var start = offset + Rfc4571Frame.HeaderSize;
            if (_filled - start < length)
            {
                break;
            }

            offset = start + length;
            Interlocked.Increment(ref _framesIn);
            Dispatch(_in.AsSpan(start, length));
        }

        if (offset > 0)
        {
            _in.AsSpan(offset, _filled - offset).CopyTo(_in);
            _filled -= offset;
        }
    }

    private void Dispatch(Span<byte> packet)
    {
        try
        {
            DispatchUnguarded(packet);
        }
#pragma warning disable CA1031 // As on UDP: nothing one packet or an observer throws may stop the connection.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LastError = ex;
        }
    }

    private void DispatchUnguarded(Span<byte> packet)
    {
        switch (DatagramClassifier.Classify(packet))
        {
            case DatagramKind.Stun:
                _sink.OnStun(packet, Remote);
                break;
            case DatagramKind.Dtls:
                _sink.OnDtls(packet, Remote);
                break;
            case DatagramKind.Rtp:
                // No kernel timestamp on a stream: the frame arrived when its last byte was read, which is now.
                _sink.OnRtp(packet, Remote, Stopwatch.GetTimestamp());
                break;
            case DatagramKind.Rtcp:
                _sink.OnRtcp(packet, Remote);
                break;
            default:
                _sink.OnUnknown(packet, Remote);
                break;
        }
    }

    private bool FlushLocked()
    {
        if (IsClosed)
        {
            _unsentStart = _unsentEnd = 0;
            return false;
        }

        var sent = TcpSegments.Send(_descriptor, _out.AsSpan(_unsentStart, _unsentEnd - _unsentStart));
        if (sent > 0)
        {
            _unsentStart += sent;
        }

        if (_unsentStart < _unsentEnd)
        {
            return false;
        }

        _unsentStart = _unsentEnd = 0;
        return true;
    }
}
