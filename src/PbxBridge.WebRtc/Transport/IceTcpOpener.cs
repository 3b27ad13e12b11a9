using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PbxBridge.Net;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// Reads the first frame of each new TCP connection to a media port and hands the connection to the leg its ICE
/// username names (RFC 6544: the browser, the active side, opens the connection and its first packet is a
/// connectivity check). On the HTTPS port a new connection may be TLS instead: its first byte is a handshake
/// record (22, RFC 8446 §5.1) where an RFC 4571 frame starts with its length's high byte, 0 for any STUN request,
/// so one peeked byte tells them apart and TLS goes on untouched. The opener has its own epoll thread: a slow or
/// hostile opener never delays a media packet. A connection that does not become a valid first check within
/// <c>timeout</c>, names no live leg or exceeds the number allowed to be opening at once is closed without a word.
/// </summary>
public sealed class IceTcpOpener : IPacedStream, IDisposable
{
    /// <summary>A Binding request with USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, both integrities and a FINGERPRINT fits easily.</summary>
    public const int MaxFirstFrame = 1024;

    private const byte TlsHandshakeRecord = 22;

    private readonly IceUfragDirectory<IIceTcpHost> _directory;
    private readonly MediaEventLoop _loop;
    private readonly ConcurrentDictionary<Opening, byte> _openings = new();
    private readonly long _timeout;
    private readonly int _maxOpenings;
    private long _adopted;
    private long _tls;
    private long _refused;

    public IceTcpOpener(IceUfragDirectory<IIceTcpHost> directory, ILogger logger, TimeSpan? timeout = null, int maxOpenings = 1024)
    {
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        ArgumentNullException.ThrowIfNull(logger);
        _timeout = (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        _maxOpenings = maxOpenings;
        _loop = new MediaEventLoop("ice-tcp-opener", logger, TimeSpan.FromMilliseconds(250));
        _loop.AddStream(this);
    }

    /// <summary>Connections handed to their leg.</summary>
    public long Adopted => Interlocked.Read(ref _adopted);

    /// <summary>Connections on the HTTPS port that were TLS, handed on.</summary>
    public long HandedToTls => Interlocked.Read(ref _tls);

    /// <summary>Connections closed: timed out, malformed, for no live leg, refused by it, or over the limit.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Connections still being read.</summary>
    public int OpeningCount => _openings.Count;

    /// <summary>
    /// Takes a just-accepted connection. <paramref name="onTls"/> receives it, unread, when it starts a TLS
    /// handshake (the HTTPS port); null on a port that carries ICE-TCP only.
    /// </summary>
    public void Admit(Socket socket, Action<Socket>? onTls)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (_openings.Count >= _maxOpenings)
        {
            Interlocked.Increment(ref _refused);
            socket.Dispose();
            return;
        }

        socket.NoDelay = true;
        var opening = new Opening(this, socket, onTls, Stopwatch.GetTimestamp() + _timeout);
        _openings[opening] = 0;
        opening.Start();
    }

    /// <summary>Closes the connections that took too long to say who they are (on the opener's thread).</summary>
    public void OnTick(long now)
    {
        foreach (var opening in _openings.Keys)
        {
            if (now > opening.Deadline)
            {
                opening.Refuse();
            }
        }
    }

    public void Dispose()
    {
        foreach (var opening in _openings.Keys)
        {
            opening.Refuse();
        }

        _loop.Dispose();
    }

    /// <summary>One connection until its first frame is read (or it is TLS): only the opener's thread reads it.</summary>
    private sealed class Opening(IceTcpOpener opener, Socket socket, Action<Socket>? onTls, long deadline) : IDatagramReadable
    {
        private readonly int _descriptor = UdpDatagram.DescriptorOf(socket);
        private readonly byte[] _frame = new byte[Rfc4571Frame.HeaderSize + MaxFirstFrame];
        private readonly Lock _gate = new();
        private DatagramWatch _watch;
        private int _filled;
        private int _length = -1;
        private bool _done;

        public long Deadline => deadline;

        public void Start()
        {
            // Under the gate: the loop may read (and finish) this connection before Watch has returned.
            lock (_gate)
            {
                _watch = opener._loop.Watch(socket, this);
            }
        }

        public void OnReadable()
        {
            lock (_gate)
            {
                if (!_done)
                {
                    Read();
                }
            }
        }

        public void Refuse()
        {
            lock (_gate)
            {
                if (!_done)
                {
                    Interlocked.Increment(ref opener._refused);
                    Leave(close: true);
                }
            }
        }

        private void Read()
        {
            if (onTls is not null && _filled == 0)
            {
                Span<byte> first = stackalloc byte[1];
                var peeked = TcpSegments.Peek(_descriptor, first);
                if (peeked == TcpSegments.WouldBlock)
                {
                    return;
                }

                if (peeked > 0 && first[0] == TlsHandshakeRecord)
                {
                    Interlocked.Increment(ref opener._tls);
                    Leave(close: false);
                    onTls(socket);
                    return;
                }
            }

            // Exactly up to the end of the first frame: what follows stays queued for the leg's own loop to read.
            var wanted = _length < 0 ? Rfc4571Frame.HeaderSize - _filled : Rfc4571Frame.HeaderSize + _length - _filled;
            var read = TcpSegments.Receive(_descriptor, _frame.AsSpan(_filled, wanted));
            if (read == TcpSegments.WouldBlock)
            {
                return;
            }

            if (read <= 0)
            {
                Refuse();
                return;
            }

            _filled += read;
            if (_length < 0 && Rfc4571Frame.TryReadLength(_frame.AsSpan(0, _filled), out var length))
            {
                if (length is < StunMessage.HeaderLength or > MaxFirstFrame)
                {
                    Refuse();
                    return;
                }

                _length = length;
            }

            if (_length >= 0 && _filled == Rfc4571Frame.HeaderSize + _length)
            {
                HandToLeg();
            }
        }

        private void HandToLeg()
        {
            var packet = _frame.AsSpan(Rfc4571Frame.HeaderSize, _length);
            if (!StunMessage.TryParse(packet, out var check) || check.Method != StunMethod.Binding || check.Class != StunClass.Request ||
                !check.TryGetAttribute(StunAttributeType.Username, out var username) || !opener._directory.TryFind(username, out var leg))
            {
                Refuse();
                return;
            }

            Leave(close: false);
            if (leg.AdoptTcp(socket, _frame.AsSpan(0, _filled)))
            {
                Interlocked.Increment(ref opener._adopted);
            }
            else
            {
                Interlocked.Increment(ref opener._refused);
                socket.Dispose();
            }
        }

        private void Leave(bool close)
        {
            _done = true;
            opener._openings.TryRemove(this, out _);
            var unwatched = opener._loop.UnwatchAsync(_watch);
            if (close)
            {
                // After the pass that may still hold the descriptor: then it may be closed (and its number reused).
                _ = unwatched.ContinueWith(_ => socket.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }
}
