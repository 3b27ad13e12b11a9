using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Transport;

/// <summary>One browser's SIP-over-WebSocket connection (RFC 7118): one SIP message per frame, text or binary; the
/// RFC 5626 §4.4.1 CRLFCRLF ping answered with a CRLF pong; sends serialized through a queue because a WebSocket
/// allows one send at a time. When it closes, the agent's registrations and dialogs on it end.</summary>
public sealed partial class SipWebSocketConnection : ISipFlow
{
    private static long s_nextId;
    private readonly WebSocket _socket;
    private readonly ISipMessageSink _sink;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private volatile bool _open = true;

    public SipWebSocketConnection(WebSocket socket, IPEndPoint remote, ISipMessageSink sink, ILogger logger, bool secure = true)
    {
        _socket = socket;
        _sink = sink;
        _logger = logger;
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

    public void Send(SipMessage message)
    {
        if (_open)
        {
            _outbound.Writer.TryWrite(message.ToBytes());
        }
    }

    /// <summary>Receives until the peer closes, the socket fails or <paramref name="cancellationToken"/> fires.
    /// Never throws: a broken connection is an ordinary end.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _sink.OnFlowOpened(this);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteLoopAsync(cts.Token);
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
            await cts.CancelAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
            await CloseQuietlyAsync().ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[SipParser.MaxMessageSize + 1];
        while (_socket.State == WebSocketState.Open)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length >= buffer.Length)
                {
                    // Over the hard limit: RFC 6455 1009 (message too big), and the connection ends.
                    await _socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "SIP message too large", ct).ConfigureAwait(false);
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

            var frame = buffer.AsSpan(0, length);
            if (IsKeepAlive(frame))
            {
                if (frame.Length >= 4)
                {
                    _outbound.Writer.TryWrite("\r\n"u8.ToArray());
                    (_sink as SipStack)?.Counters.KeepAliveAnswered();
                }

                continue;
            }

            _sink.OnMessageReceived(this, frame);
        }
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
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
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
}
