using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// A leg over ICE-TCP as Chromium runs it where UDP is blocked (RFC 6544: we are the active side, PbxBridge's
/// candidate is passive): one TCP connection to the HTTPS port or Media:IceTcpPort, every STUN, DTLS and SRTP packet
/// framed by a 16-bit length (RFC 4571). A send writes prefix and packet in one call under a lock, so the pacer,
/// the DTLS thread and the consent checks never interleave frames.
/// </summary>
internal sealed class IceTcpLegTransport : ILegTransport
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly IPEndPoint _offered;
    private readonly Lock _sendLock = new();
    private readonly byte[] _sendBuffer = new byte[2 + 1500];
    private readonly byte[] _prefix = new byte[2];

    /// <param name="offered">The UDP address our offer names; an ICE-TCP active candidate has no port of its own (RFC 6544 §4.5: port 9).</param>
    public IceTcpLegTransport(IPEndPoint offered) => _offered = offered;

    public string Name => "tcp";

    public IPEndPoint LocalEndPoint => _offered;

    public Task ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken) => _socket.ConnectAsync(remote, cancellationToken).AsTask();

    public void Send(ReadOnlySpan<byte> packet)
    {
        if (packet.Length > _sendBuffer.Length - 2)
        {
            return;
        }

        lock (_sendLock)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_sendBuffer, (ushort)packet.Length);
            packet.CopyTo(_sendBuffer.AsSpan(2));
            try
            {
                _socket.Send(_sendBuffer.AsSpan(0, 2 + packet.Length));
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The connection is being torn down with the leg.
            }
        }
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await ReadExactlyAsync(_prefix, cancellationToken);
        var length = BinaryPrimitives.ReadUInt16BigEndian(_prefix);
        if (length > buffer.Length)
        {
            // Not a packet we send or expect: skip it whole to stay in frame.
            var skip = new byte[length];
            await ReadExactlyAsync(skip, cancellationToken);
            return 0;
        }

        await ReadExactlyAsync(buffer[..length], cancellationToken);
        return length;
    }

    public void Dispose() => _socket.Dispose();

    private async ValueTask ReadExactlyAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < target.Length)
        {
            var n = await _socket.ReceiveAsync(target[read..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new ObjectDisposedException(nameof(IceTcpLegTransport), "the server closed the ICE-TCP connection");
            }

            read += n;
        }
    }
}
