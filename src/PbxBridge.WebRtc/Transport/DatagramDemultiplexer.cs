using System.Net;
using System.Net.Sockets;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// The browser socket's reader on the media loop: one pinned buffer and one <see cref="SocketAddress"/> reused for
/// every datagram, each classified by its first byte (RFC 7983) and handed to the sink. Nothing a peer sends can
/// stop it: bad input is counted and the next datagram is read.
/// </summary>
internal sealed class DatagramDemultiplexer : IDatagramReadable
{
    private const int BufferSize = 2048;

    private readonly int _descriptor;
    private readonly IDatagramSink _sink;
    private readonly byte[] _buffer = GC.AllocateArray<byte>(BufferSize, pinned: true);
    private readonly SocketAddress _source;
    private long _datagrams;
    private long _errors;

    public DatagramDemultiplexer(Socket socket, IDatagramSink sink)
    {
        _descriptor = UdpDatagram.DescriptorOf(socket);
        UdpDatagram.EnableArrivalTimestamps(socket);
        _source = new SocketAddress(socket.AddressFamily);
        _sink = sink;
    }

    public long Datagrams => Volatile.Read(ref _datagrams);

    public long Errors => Volatile.Read(ref _errors);

    /// <summary>The last exception the sink threw, kept for diagnostics (logged by the owner, not per packet).</summary>
    public Exception? LastError { get; private set; }

    public void OnReadable()
    {
        var length = UdpDatagram.TryReceiveFrom(_descriptor, _buffer, _source, out var arrival);
        if (length < 0)
        {
            if (length == UdpDatagram.Error)
            {
                // ICMP errors surface here; the socket itself is still good.
                Interlocked.Increment(ref _errors);
            }

            return;
        }

        Interlocked.Increment(ref _datagrams);
        var datagram = _buffer.AsSpan(0, length);
        try
        {
            switch (DatagramClassifier.Classify(datagram))
            {
                case DatagramKind.Stun:
                    _sink.OnStun(datagram, _source);
                    break;
                case DatagramKind.Dtls:
                    _sink.OnDtls(datagram, _source);
                    break;
                case DatagramKind.Rtp:
                    _sink.OnRtp(datagram, _source, arrival);
                    break;
                case DatagramKind.Rtcp:
                    _sink.OnRtcp(datagram, _source);
                    break;
                default:
                    _sink.OnUnknown(datagram, _source);
                    break;
            }
        }
#pragma warning disable CA1031 // The reader must survive anything a datagram or an observer can throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LastError = ex;
        }
    }
}
