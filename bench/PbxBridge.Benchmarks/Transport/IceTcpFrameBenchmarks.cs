using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Net;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Benchmarks.Transport;

/// <summary>
/// ICE-TCP's per-packet path (issue 23), which must allocate nothing like the UDP one: a 172-byte RTP-shaped packet
/// in an RFC 4571 frame from a loopback TCP peer to the sink on a <see cref="MediaEventLoop"/>
/// (<see cref="FrameReceive"/>: sent, then waited for until the sink has it), and one packet framed and sent by
/// <see cref="IceTcpConnection.Send"/> while the peer drains the stream (<see cref="FrameSend"/>). Both must show 0 B.
/// <c>dotnet run -c Release --project bench/PbxBridge.Benchmarks -- --filter '*IceTcpFrame*'</c>
/// </summary>
[MemoryDiagnoser]
public class IceTcpFrameBenchmarks
{
    private readonly byte[] _frame = new byte[2 + 172];
    private readonly byte[] _packet = new byte[172];
    private readonly ManualResetEventSlim _handled = new(false, spinCount: 0);
    private MediaEventLoop _loop = null!;
    private Socket _peer = null!;
    private IceTcpConnection _connection = null!;
    private Thread _drain = null!;
    private volatile bool _stopping;

    [GlobalSetup]
    public void Setup()
    {
        _packet[0] = 0x80;
        _packet[1] = 111;
        BinaryPrimitives.WriteUInt16BigEndian(_frame, (ushort)_packet.Length);
        _packet.CopyTo(_frame, 2);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        _peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _peer.Connect(listener.LocalEndPoint!);
        var accepted = listener.Accept();
        _loop = new MediaEventLoop("bench-ice-tcp", NullLogger.Instance);
        _connection = new IceTcpConnection(accepted, [], new Sink(_handled), _loop, _ => { });
        _connection.Start();
        _drain = new Thread(Drain) { IsBackground = true };
        _drain.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        _connection.CloseAsync().GetAwaiter().GetResult();
        _peer.Dispose();
        _loop.Dispose();
    }

    [Benchmark]
    public void FrameReceive()
    {
        _handled.Reset();
        _peer.Send(_frame);
        _handled.Wait();
    }

    [Benchmark]
    public bool FrameSend() => _connection.Send(_packet);

    private void Drain()
    {
        var buffer = new byte[65536];
        while (!_stopping)
        {
            try
            {
                if (_peer.Receive(buffer) == 0)
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private sealed class Sink(ManualResetEventSlim handled) : IDatagramSink
    {
        public void OnStun(Span<byte> datagram, SocketAddress source) => handled.Set();

        public void OnDtls(Span<byte> datagram, SocketAddress source) => handled.Set();

        public void OnRtp(Span<byte> datagram, SocketAddress source, long arrival) => handled.Set();

        public void OnRtcp(Span<byte> datagram, SocketAddress source) => handled.Set();

        public void OnUnknown(Span<byte> datagram, SocketAddress source) => handled.Set();
    }
}
