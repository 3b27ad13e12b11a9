using System.Net;
using System.Net.Sockets;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>A leg over UDP, as Chromium runs it wherever UDP gets through: one connected loopback socket.</summary>
internal sealed class UdpLegTransport : ILegTransport
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public UdpLegTransport() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public string Name => "udp";

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public Task ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        _socket.Connect(remote);
        return Task.CompletedTask;
    }

    public void Send(ReadOnlySpan<byte> packet)
    {
        try
        {
            _socket.Send(packet);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Loopback send only fails once the leg is being torn down or the server port is gone (ICMP unreachable).
        }
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
        {
            // An ICMP unreachable from before the server's port was up: not the end of the leg.
            return 0;
        }
    }

    public void Dispose() => _socket.Dispose();
}
