using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// The dedicated ICE-TCP port (RFC 6544 passive candidates): accepts connections and gives each to the
/// <see cref="IceTcpOpener"/>, which finds the leg by the first check's USERNAME. Accepting is the only work here,
/// once per connection; every packet after the first is read on the leg's media loop.
/// </summary>
public sealed class IceTcpListener : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IceTcpOpener _opener;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private IceTcpListener(Socket listener, IceTcpOpener opener, ILogger logger)
    {
        _listener = listener;
        _opener = opener;
        _logger = logger;
        _accepting = Task.Run(AcceptAsync);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Binds and listens (throws SocketException when the port is taken) and starts accepting.</summary>
    public static IceTcpListener Start(IPEndPoint endPoint, IceTcpOpener opener, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(opener);
        ArgumentNullException.ThrowIfNull(logger);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A restarted service must get its port back while the last one's connections sit in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new IceTcpListener(socket, opener, logger);
    }

    public async ValueTask DisposeAsync()
    {
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

            _opener.Admit(accepted, onTls: null);
        }
    }
}
