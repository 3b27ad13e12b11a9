using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Hosting;

/// <summary>
/// Kestrel's transport for the HTTPS port when <c>Media:IceTcpOnHttpsPort</c> is on: PbxBridge accepts the
/// connections itself and lets the <see cref="IceTcpOpener"/> peek at each one's first byte. TLS (a handshake
/// record, 22) goes to Kestrel exactly as its own socket transport would have made it (same
/// <see cref="SocketConnectionContextFactory"/>, nothing read); anything else is an RFC 4571-framed ICE check and
/// becomes a media connection. So an agent whose network lets only wss:// out carries its audio on the same port.
/// Every other endpoint is bound by Kestrel's socket transport unchanged.
/// </summary>
public sealed class HttpsPortWithIceTcp(
    SocketTransportFactory sockets, IOptions<SocketTransportOptions> options, IceTcpOpener opener, int httpsPort, ILoggerFactory loggerFactory)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint ip || ip.Port != httpsPort)
        {
            return sockets.BindAsync(endpoint, cancellationToken);
        }

        Socket socket;
        try
        {
            socket = IceTcpListener.Listen(ip, options.Value.Backlog);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new AddressInUseException(e.Message, e);
        }

        var logger = loggerFactory.CreateLogger<HttpsPortWithIceTcp>();
        var contexts = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), logger);
        return ValueTask.FromResult<IConnectionListener>(new Listener(socket, opener, contexts, logger));
    }

    private sealed class Listener : IConnectionListener
    {
        private readonly SocketConnectionContextFactory _contexts;
        private readonly Channel<Socket> _tls = Channel.CreateUnbounded<Socket>(new UnboundedChannelOptions { SingleReader = true });
        private readonly IceTcpListener _accepting;

        public Listener(Socket socket, IceTcpOpener opener, SocketConnectionContextFactory contexts, ILogger logger)
        {
            _contexts = contexts;
            EndPoint = socket.LocalEndPoint!;
            _accepting = IceTcpListener.Accept(socket, opener, tls =>
            {
                if (!_tls.Writer.TryWrite(tls))
                {
                    tls.Dispose();
                }
            }, logger);
        }

        public EndPoint EndPoint { get; }

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                var socket = await _tls.Reader.ReadAsync(cancellationToken);
                return _contexts.Create(socket);
            }
            catch (ChannelClosedException)
            {
                // Unbound: Kestrel stops asking.
                return null;
            }
        }

        public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            // Accepting stops first, so no TLS connection arrives after the channel is completed.
            await _accepting.DisposeAsync();
            _tls.Writer.TryComplete();
        }

        public async ValueTask DisposeAsync()
        {
            await UnbindAsync();
            while (_tls.Reader.TryRead(out var unclaimed))
            {
                unclaimed.Dispose();
            }

            _contexts.Dispose();
        }
    }
}
