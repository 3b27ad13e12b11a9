using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Transport;

/// <summary>SIP over UDP (RFC 3261 §18) on one socket, for the FreeSWITCH media leg: every remote address is a flow,
/// unreliable, so the transactions retransmit (Timers A, E, G) and linger (D, I, J, K).</summary>
public sealed partial class SipUdpTransport : IDisposable
{
    private readonly Socket _socket;
    private readonly ISipMessageSink _sink;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IPEndPoint, UdpFlow> _flows = new();
    private volatile bool _running = true;

    public SipUdpTransport(IPEndPoint bind, ISipMessageSink sink, ILogger logger)
    {
        _sink = sink;
        _logger = logger;
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bind);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The flow toward a peer (created and announced on first use), e.g. to send it an INVITE.</summary>
    public ISipFlow FlowTo(IPEndPoint remote) => _flows.GetOrAdd(remote, r =>
    {
        var flow = new UdpFlow(this, r);
        _sink.OnFlowOpened(flow);
        return flow;
    });

    /// <summary>Receives datagrams until cancelled or disposed; a bad datagram never ends the loop.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[SipParser.MaxMessageSize];
        EndPoint any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (_running && !cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // ICMP port unreachable from an earlier send, or an oversized datagram: ignore and go on.
                continue;
            }

            var data = buffer.AsSpan(0, result.ReceivedBytes);
            if (data.Trim("\r\n"u8).IsEmpty)
            {
                continue;
            }

            _sink.OnMessageReceived(FlowTo((IPEndPoint)result.RemoteEndPoint), data);
        }
    }

    private void SendTo(IPEndPoint remote, SipMessage message)
    {
        if (!_running)
        {
            return;
        }

        try
        {
            _socket.SendTo(message.ToBytes(), remote);
        }
        catch (SocketException ex)
        {
            LogSendFailed(remote, ex.SocketErrorCode.ToString());
        }
        catch (ObjectDisposedException)
        {
            _running = false;
        }
    }

    public void Dispose()
    {
        _running = false;
        foreach (var flow in _flows.Values)
        {
            _sink.OnFlowClosed(flow);
        }

        _socket.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP UDP send to {Remote} failed: {Error}")]
    private partial void LogSendFailed(IPEndPoint remote, string error);

    private sealed class UdpFlow(SipUdpTransport transport, IPEndPoint remote) : ISipFlow
    {
        public string Id { get; } = "udp-" + remote.ToString();

        public IPEndPoint Remote { get; } = remote;

        public bool IsReliable => false;

        public string ViaTransport => "UDP";

        public bool IsOpen => transport._running;

        public string? LocalSentBy { get; } = (transport.LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6
            ? "[" + transport.LocalEndPoint.Address + "]"
            : transport.LocalEndPoint.Address.ToString()) + ":" + transport.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture);

        public void Send(SipMessage message) => transport.SendTo(Remote, message);
    }
}
