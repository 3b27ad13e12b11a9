using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// BouncyCastle's view of a leg's transport during the handshake: the leg's receive loop hands DTLS datagrams
/// (first byte 20..63, RFC 7983) to this queue; sends go straight out of the leg's transport (UDP or ICE-TCP).
/// </summary>
internal sealed class QueuedDatagramTransport : DatagramTransport
{
    private const int Mtu = 1200;

    private readonly BlockingCollection<byte[]> _inbound = new(boundedCapacity: 64);
    private readonly ILegTransport _transport;

    public QueuedDatagramTransport(ILegTransport transport)
    {
        _transport = transport;
    }

    public void Deliver(ReadOnlySpan<byte> datagram)
    {
        if (!_inbound.IsAddingCompleted)
        {
            try
            {
                _inbound.TryAdd(datagram.ToArray());
            }
            catch (InvalidOperationException)
            {
                // Closed concurrently: the handshake is over.
            }
        }
    }

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => Mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        try
        {
            if (!_inbound.TryTake(out var datagram, Math.Max(0, waitMillis)))
            {
                return -1;
            }

            var length = Math.Min(datagram.Length, buffer.Length);
            datagram.AsSpan(0, length).CopyTo(buffer);
            return length;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    // The transport swallows send errors (an ICMP unreachable, a closing connection): BouncyCastle's retransmission
    // timer handles the loss.
    public void Send(ReadOnlySpan<byte> buffer) => _transport.Send(buffer);

    public void Close() => _inbound.CompleteAdding();
}
