using System.Net;
using System.Net.Sockets;
using PbxBridge.Net;

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
            Dispatch(_sink, datagram, _source, arrival);
        }
#pragma warning disable CA1031 // The reader must survive anything a datagram or an observer can throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LastError = ex;
        }
    }

    /// <summary>Hands one datagram to the sink method for its kind (RFC 7983); shared with the single UDP port's legs.</summary>
    public static void Dispatch(IDatagramSink sink, Span<byte> datagram, SocketAddress source, long arrival)
    {
        switch (DatagramClassifier.Classify(datagram))
        {
            case DatagramKind.Stun:
                sink.OnStun(datagram, source);
                break;
            case DatagramKind.Dtls:
                sink.OnDtls(datagram, source);
                break;
            case DatagramKind.Rtp:
                sink.OnRtp(datagram, source, arrival);
                break;
            case DatagramKind.Rtcp:
                sink.OnRtcp(datagram, source);
                break;
            default:
                sink.OnUnknown(datagram, source);
                break;
        }
    }
}
