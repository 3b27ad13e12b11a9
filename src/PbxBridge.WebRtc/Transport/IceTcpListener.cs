using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// A port that takes ICE-TCP (RFC 6544 passive candidates): accepts connections and gives each to the
/// <see cref="IceTcpOpener"/>, which finds the leg by the first check's USERNAME (and, on the HTTPS port, hands a TLS
/// connection back through <c>onTls</c>). Accepting is the only work here, once per connection; every packet after
/// the first is read on the leg's media loop.
/// </summary>
public sealed class IceTcpListener : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IceTcpOpener _opener;
    private readonly Action<Socket>? _onTls;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _disposed;

    private IceTcpListener(Socket listener, IceTcpOpener opener, Action<Socket>? onTls, ILogger logger)
    {
        _listener = listener;
        _opener = opener;
        _onTls = onTls;
        _logger = logger;
        _accepting = Task.Run(AcceptAsync);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>The dedicated ICE-TCP port: binds and listens (throws SocketException when the port is taken) and
    /// starts accepting.</summary>
    public static IceTcpListener Start(IPEndPoint endPoint, IceTcpOpener opener, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = Listen(endPoint, backlog: 512);
        return Accept(socket, opener, onTls: null, logger);
    }

    /// <summary>A TCP socket bound to <paramref name="endPoint"/> and listening; a dual-mode socket for [::].</summary>
    public static Socket Listen(IPEndPoint endPoint, int backlog)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A restarted service must get its port back while the last one's connections sit in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts accepting on a listening socket (which the listener then owns); <paramref name="onTls"/> gets
    /// the connections that start a TLS handshake, null on a port that carries ICE-TCP only.</summary>
    public static IceTcpListener Accept(Socket listening, IceTcpOpener opener, Action<Socket>? onTls, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(listening);
        ArgumentNullException.ThrowIfNull(opener);
        ArgumentNullException.ThrowIfNull(logger);
        return new IceTcpListener(listening, opener, onTls, logger);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection reset before it was accepted, or out of descriptors for a moment: the port stays open.
                _logger.LogDebug("ICE-TCP accept failed: {Error}", e.SocketErrorCode);
                await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
                continue;
            }

            _opener.Admit(accepted, _onTls);
        }
    }
}
