using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// SIP over UDP (RFC 3261 §18) on one socket: PbxBridge's user agent toward FreeSWITCH's pbxbridge profile.
/// The receive loop parses each datagram with the shared SIP parser; nothing a peer sends can end the loop.
/// </summary>
public sealed partial class SipUdpTransport : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _receiveLoop = Task.CompletedTask;
    private long _malformed;

    public SipUdpTransport(IPEndPoint bind, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(bind);
        _logger = logger;
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bind);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Datagrams that were not SIP (counted, dropped; a 400 goes back for a rejectable request).</summary>
    public long MalformedDatagrams => Interlocked.Read(ref _malformed);

    /// <summary>Starts receiving; <paramref name="onMessage"/> runs on the receive task and must not block.</summary>
    public void Start(Action<SipMessage, IPEndPoint> onMessage)
    {
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(onMessage));
    }

    public async Task SendAsync(SipMessage message, IPEndPoint remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await _socket.SendToAsync(message.ToBytes(), SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            // UDP: a send error (ICMP unreachable reported late) is like a lost datagram; transactions retransmit.
            LogSendFailed(_logger, remote.ToString(), e.SocketErrorCode.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _receiveLoop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync(Action<SipMessage, IPEndPoint> onMessage)
    {
        var buffer = new byte[SipParser.MaxMessageSize];
        EndPoint any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                continue;
            }

            var remote = (IPEndPoint)received.RemoteEndPoint;
            if (received.ReceivedBytes <= 4)
            {
                continue; // CRLF keep-alives (RFC 5626 §3.5.1)
            }

            var parsed = SipParser.Parse(buffer.AsSpan(0, received.ReceivedBytes));
            if (!parsed.Success)
            {
                Interlocked.Increment(ref _malformed);
                LogMalformed(_logger, remote.ToString(), parsed.Error ?? "unparsable");
                if (parsed.Rejectable is { } request && request.Method != SipMethod.Ack)
                {
                    var reply = SipResponse.For(request, parsed.ErrorStatusCode, "Bad Request");
                    await SendAsync(reply, remote, CancellationToken.None).ConfigureAwait(false);
                }

                continue;
            }

            try
            {
                onMessage(parsed.Message!, remote);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException)
            {
                LogHandlerFailed(_logger, remote.ToString(), e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP/UDP datagram from {Remote} dropped: {Error}")]
    private static partial void LogMalformed(ILogger logger, string remote, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP/UDP message from {Remote} could not be handled: {Error}")]
    private static partial void LogHandlerFailed(ILogger logger, string remote, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP/UDP send to {Remote} failed: {Error}")]
    private static partial void LogSendFailed(ILogger logger, string remote, string error);
}
