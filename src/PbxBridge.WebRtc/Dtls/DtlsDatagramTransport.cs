using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>Sends one DTLS datagram toward the peer's current address.</summary>
internal delegate void DatagramSender(ReadOnlySpan<byte> datagram);

/// <summary>
/// BouncyCastle's view of the shared UDP socket: the receive loop demultiplexes DTLS datagrams (first byte
/// 20..63, RFC 7983) into this queue, and sends go straight to the socket. Close never touches the socket, and
/// Receive then returns -1, because BouncyCastle closes the transport itself on close_notify.
/// </summary>
internal sealed class DtlsDatagramTransport : DatagramTransport
{
    // The WebRTC path MTU convention: DTLS fragments handshake messages to fit.
    public const int Mtu = 1200;
    private const int MaxDatagram = 1500;

    private readonly BlockingCollection<byte[]> _inbound = new(boundedCapacity: 64);
    private readonly DatagramSender _send;
    private volatile bool _closed;
    private volatile Action? _onDelivered;

    public DtlsDatagramTransport(DatagramSender send)
    {
        _send = send;
    }

    public bool IsClosed => _closed;

    /// <summary>Datagrams waiting for BouncyCastle to read them.</summary>
    public bool HasPending => _inbound.Count > 0;

    /// <summary>Called after each queued datagram once set: how an association with no reading thread learns of one.</summary>
    public Action? OnDelivered
    {
        set => _onDelivered = value;
    }

    /// <summary>Called by the receive loop; drops the datagram when the handshake thread is not keeping up.</summary>
    public void Deliver(ReadOnlySpan<byte> datagram)
    {
        if (_closed)
        {
            return;
        }

        try
        {
            if (!_inbound.TryAdd(datagram.ToArray()))
            {
                return;
            }
        }
        catch (InvalidOperationException)
        {
            // Completed concurrently by Close: the association is over.
            return;
        }

        _onDelivered?.Invoke();
    }

    public int GetReceiveLimit() => MaxDatagram;

    public int GetSendLimit() => Mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (_closed)
        {
            return -1;
        }

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

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!_closed)
        {
            _send(buffer);
        }
    }

    public void Close()
    {
        _closed = true;
        _inbound.CompleteAdding();
    }
}
