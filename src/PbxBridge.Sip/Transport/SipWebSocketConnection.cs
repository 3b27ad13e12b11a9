using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Transport;

/// <summary>One browser's SIP-over-WebSocket connection (RFC 7118): one SIP message per frame, text or binary; the
/// RFC 5626 §4.4.1 CRLFCRLF ping answered with a CRLF pong; sends serialized through a queue because a WebSocket
/// allows one send at a time. When it closes, the agent's registrations and dialogs on it end. Messages beyond the
/// <see cref="SipMessageRateLimit"/> are refused, and a connection that keeps flooding is closed; so is one whose
/// queue toward the peer outgrows <see cref="SipConnectionLimits.MaxSendQueueBytes"/> (it sends but does not read) or
/// on which nothing authenticates within <see cref="SipConnectionLimits.RegistrationDeadline"/>.</summary>
public sealed partial class SipWebSocketConnection : ISipFlow
{
    /// <summary>A keep-alive ping more often than this is not a keep-alive: it is not answered.</summary>
    private static readonly TimeSpan MinPongInterval = TimeSpan.FromSeconds(1);

    /// <summary>Lines about one connection's excess messages: one per window, however hard it floods.</summary>
    private static readonly TimeSpan RateLogWindow = TimeSpan.FromMinutes(1);

    private const int InitialReceiveBuffer = 8 * 1024;

    // One byte over the limit, so a message of exactly MaxMessageSize is told apart from a longer one.
    private const int MaxReceiveBuffer = SipParser.MaxMessageSize + 1;

    private static long s_nextId;
    private readonly WebSocket _socket;
    private readonly ISipMessageSink _sink;
    private readonly ILogger _logger;
    private readonly SipMessageRateLimit _rateLimit;
    private readonly SipConnectionLimits _limits;
    private readonly TimeProvider _time;

    // Unbounded as a channel, bounded in bytes by Enqueue: a count of messages says nothing about memory when one
    // answer can be 64 KB and another 300 bytes.
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBytes;
    private volatile bool _open = true;
    private volatile bool _authenticated;
    private string? _policyCloseReason;
    private ITimer? _abortTimer;
    private DateTimeOffset? _lastPong;

    public SipWebSocketConnection(WebSocket socket, IPEndPoint remote, ISipMessageSink sink, ILogger logger, bool secure = true,
        SipMessageRateLimit? rateLimit = null, TimeProvider? time = null, SipConnectionLimits? limits = null)
    {
        _socket = socket;
        _sink = sink;
        _logger = logger;
        _rateLimit = rateLimit ?? SipMessageRateLimit.Default;
        _limits = limits ?? SipConnectionLimits.Default;
        _time = time ?? TimeProvider.System;
        Remote = remote;
        ViaTransport = secure ? "WSS" : "WS";
        Id = "ws-" + Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Id { get; }

    public IPEndPoint Remote { get; }

    public bool IsReliable => true;

    public string ViaTransport { get; }

    public bool IsOpen => _open && _socket.State == WebSocketState.Open;

    public string? LocalSentBy => null;

    /// <summary>Bytes queued toward the peer, the frame being written included.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    public void Send(SipMessage message)
    {
        if (_open)
        {
            Enqueue(message.ToBytes());
        }
    }

    /// <summary>A request on this connection authenticated (a REGISTER or an INVITE from an agent): the registration
    /// deadline no longer applies.</summary>
    public void MarkAuthenticated() => _authenticated = true;

    private void Enqueue(byte[] bytes)
    {
        var queued = Interlocked.Add(ref _queuedBytes, bytes.Length);
        if (queued > _limits.MaxSendQueueBytes)
        {
            // The peer is not reading what we send. Queuing more only moves its backlog into our memory; dropping
            // single messages would break SIP in ways neither side could see. Kamailio closes such a connection too.
            Interlocked.Add(ref _queuedBytes, -bytes.Length);
            if (RequestPolicyClose("SIP send queue full"))
            {
                _sink.OnSendQueueOverflow(this);
                LogSendQueueFull(Remote, queued - bytes.Length, _limits.MaxSendQueueBytes);
            }

            return;
        }

        if (!_outbound.Writer.TryWrite(bytes))
        {
            Interlocked.Add(ref _queuedBytes, -bytes.Length);
        }
    }

    /// <summary>Starts closing with 1008: nothing more is sent or handed on, what is queued is dropped, the writer sends
    /// the close frame; if the peer has not finished the handshake after <see cref="SipConnectionLimits.CloseGrace"/>
    /// (a peer that does not read never even sees the frame), the connection is aborted. False if already closing.</summary>
    private bool RequestPolicyClose(string reason)
    {
        if (Interlocked.CompareExchange(ref _policyCloseReason, reason, null) is not null)
        {
            return false;
        }

        _open = false;
        _outbound.Writer.TryComplete();
        Volatile.Write(ref _abortTimer, _time.CreateTimer(_ => _socket.Abort(), null, SipConnectionLimits.CloseGrace, Timeout.InfiniteTimeSpan));
        return true;
    }

    private void OnRegistrationDeadline()
    {
        if (_authenticated || !_open)
        {
            return;
        }

        if (RequestPolicyClose("SIP registration required"))
        {
            _sink.OnRegistrationDeadlinePassed(this);
            LogUnauthenticatedClosed(Remote, (int)_limits.RegistrationDeadline.TotalSeconds);
        }
    }

    /// <summary>Receives until the peer closes, the socket fails or <paramref name="cancellationToken"/> fires.
    /// Never throws: a broken connection is an ordinary end.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _sink.OnFlowOpened(this);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteLoopAsync(cts.Token);
        using var deadline = _limits.RegistrationDeadline > TimeSpan.Zero
            ? _time.CreateTimer(_ => OnRegistrationDeadline(), null, _limits.RegistrationDeadline, Timeout.InfiniteTimeSpan)
            : null;
        try
        {
            await ReceiveLoopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            LogClosed(Remote, ex.GetType().Name);
        }
        finally
        {
            _open = false;
            _outbound.Writer.TryComplete();
            _sink.OnFlowClosed(this);
            if (Volatile.Read(ref _policyCloseReason) is null)
            {
                // The peer left: nothing queued is worth sending.
                await cts.CancelAsync().ConfigureAwait(false);
            }

            // Closing for a policy violation, the writer still sends the close frame; the abort timer bounds that wait.
            await writer.ConfigureAwait(false);
            await CloseQuietlyAsync().ConfigureAwait(false);
            if (Volatile.Read(ref _abortTimer) is { } abort)
            {
                await abort.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        // A browser's INVITE with its SDP is 2-5 KB: the buffer starts small and doubles up to the hard limit only on
        // a connection that sends something larger, so each registered agent holds 8 KB here, not 64 KB.
        var buffer = new byte[InitialReceiveBuffer];
        var guard = _rateLimit.IsEnabled ? new SipMessageRateGuard(_rateLimit, _time.GetUtcNow(), RateLogWindow) : null;
        while (_socket.State == WebSocketState.Open)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length && buffer.Length < MaxReceiveBuffer)
                {
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxReceiveBuffer));
                }

                if (length >= buffer.Length)
                {
                    // Over the hard limit: RFC 6455 1009 (message too big), and the connection ends. CloseOutputAsync
                    // does not wait for the peer's Close: a hostile peer that never answers must not keep the socket.
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "SIP message too large", ct).ConfigureAwait(false);
                    return;
                }

                result = await _socket.ReceiveAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (IsKeepAlive(buffer.AsSpan(0, length)))
            {
                AnswerKeepAlive(length);
                continue;
            }

            if (Volatile.Read(ref _policyCloseReason) is not null)
            {
                // Closing (send queue full, registration deadline): waiting for the peer's close, handing nothing on.
                continue;
            }

            if (guard is null)
            {
                // No rate limit (Limits:MessagesPerSecond = 0): every message goes to the stack.
                _sink.OnMessageReceived(this, buffer.AsSpan(0, length));
            }
            else if (!Admit(guard, buffer.AsSpan(0, length)))
            {
                _sink.OnFloodClosed(this);
                RequestPolicyClose("SIP message rate exceeded");
                return;
            }
        }
    }

    /// <summary>Hands the frame on, or refuses it; false when the connection has flooded past the grace.</summary>
    private bool Admit(SipMessageRateGuard guard, ReadOnlySpan<byte> frame)
    {
        var now = _time.GetUtcNow();
        var verdict = guard.Admit(now);
        switch (verdict)
        {
            case SipRateVerdict.Accept:
                _sink.OnMessageReceived(this, frame);
                return true;
            case SipRateVerdict.Close:
                LogFloodClosed(Remote, guard.Refused, _rateLimit.MessagesPerSecond, (int)_rateLimit.FloodGrace.TotalSeconds);
                return false;
        }

        _sink.OnMessageRefused(this, frame, verdict == SipRateVerdict.Refuse ? guard.RetryAfterSeconds(now) : null);
        if (guard.TakeLogTurn(now))
        {
            LogOverRate(Remote, guard.RefusedSinceLog, _rateLimit.MessagesPerSecond, _rateLimit.Burst);
            guard.Logged();
        }

        return true;
    }

    /// <summary>CRLFCRLF is a ping (RFC 5626 §4.4.1), answered with CRLF at most once a second; a lone CRLF is a pong.
    /// Neither counts against the message rate: keep-alives must never cost an agent its connection.</summary>
    private void AnswerKeepAlive(int length)
    {
        if (length < 4)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_lastPong is { } last && now - last < MinPongInterval)
        {
            return;
        }

        _lastPong = now;
        Enqueue("\r\n"u8.ToArray());
        (_sink as SipStack)?.Counters.KeepAliveAnswered();
    }

    /// <summary>A frame of only CR and LF: CRLFCRLF is a ping (answered), a lone CRLF a pong.</summary>
    private static bool IsKeepAlive(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
        {
            return true;
        }

        foreach (var b in frame)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var bytes in _outbound.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (Volatile.Read(ref _policyCloseReason) is null)
                {
                    await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
                }

                Interlocked.Add(ref _queuedBytes, -bytes.Length);
            }

            if (Volatile.Read(ref _policyCloseReason) is { } reason)
            {
                // Not CloseAsync: it would wait for the peer's answer, which a hostile peer never sends.
                await _socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, reason, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            _open = false;
        }
    }

    private async Task CloseQuietlyAsync()
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            LogClosed(Remote, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP WebSocket from {Remote} ended: {Why}")]
    private partial void LogClosed(IPEndPoint remote, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP WebSocket from {Remote} is over {Rate} messages/s (burst {Burst}): {Refused} refused since the last such line (requests answered 503, responses and ACKs dropped)")]
    private partial void LogOverRate(IPEndPoint remote, long refused, int rate, int burst);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP WebSocket from {Remote} closed with 1008 (policy violation): {Queued} bytes already queued toward it, over Limits:MaxSendQueueBytes = {Max} (it sends but does not read)")]
    private partial void LogSendQueueFull(IPEndPoint remote, long queued, long max);

    // Debug: an address may open hundreds of idle sockets; the metric counts them, the log need not list each.
    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP WebSocket from {Remote} closed with 1008 (policy violation): nothing authenticated on it within Limits:RegistrationDeadlineSeconds = {Seconds}")]
    private partial void LogUnauthenticatedClosed(IPEndPoint remote, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP WebSocket from {Remote} closed with 1008 (policy violation): still over {Rate} messages/s after {Grace} s, {Refused} messages refused")]
    private partial void LogFloodClosed(IPEndPoint remote, long refused, int rate, int grace);
}
