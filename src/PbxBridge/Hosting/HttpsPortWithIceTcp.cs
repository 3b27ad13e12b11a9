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

        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (ip.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(ip);
            socket.Listen(options.Value.Backlog);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var contexts = new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions(), loggerFactory.CreateLogger<HttpsPortWithIceTcp>());
        return ValueTask.FromResult<IConnectionListener>(new Listener(socket, opener, contexts));
    }

    private sealed class Listener : IConnectionListener
    {
        private readonly Socket _socket;
        private readonly IceTcpOpener _opener;
        private readonly SocketConnectionContextFactory _contexts;
        private readonly Channel<Socket> _tls = Channel.CreateUnbounded<Socket>(new UnboundedChannelOptions { SingleReader = true });
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public Listener(Socket socket, IceTcpOpener opener, SocketConnectionContextFactory contexts)
        {
            _socket = socket;
            _opener = opener;
            _contexts = contexts;
            EndPoint = socket.LocalEndPoint!;
            _accepting = Task.Run(AcceptAsync);
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
            await _stop.CancelAsync();
            _socket.Dispose();
            _tls.Writer.TryComplete();
            try
            {
                await _accepting;
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await UnbindAsync();
            while (_tls.Reader.TryRead(out var unclaimed))
            {
                unclaimed.Dispose();
            }

            _contexts.Dispose();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket accepted;
                try
                {
                    accepted = await _socket.AcceptAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    // Reset before accepted: the port stays open.
                    continue;
                }

                _opener.Admit(accepted, socket =>
                {
                    if (!_tls.Writer.TryWrite(socket))
                    {
                        socket.Dispose();
                    }
                });
            }
        }
    }
}
