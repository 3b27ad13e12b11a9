using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using PbxBridge.Net;

namespace PbxBridge.Benchmarks.Transport;

/// <summary>
/// The single UDP port's batched system calls on loopback, per datagram: 32 SRTP-sized datagrams queued in a
/// <see cref="UdpSendBatch"/> and handed to the kernel with one sendmmsg, then read back with
/// <see cref="UdpReceiveBatch"/>'s recvmmsg (with source and kernel arrival time). The native slots are made once,
/// so both must show 0 B allocated.
/// <c>dotnet run -c Release --project bench/PbxBridge.Benchmarks -- --filter '*UdpBatch*'</c>
/// </summary>
[MemoryDiagnoser]
public class UdpBatchBenchmarks
{
    private const int Datagrams = 32;
    private readonly byte[] _datagram = new byte[172];
    private Socket _sender = null!;
    private Socket _receiver = null!;
    private SocketAddress _target = null!;
    private SocketAddress _source = null!;
    private UdpSendBatch _send = null!;
    private UdpReceiveBatch _receive = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sender = Bound();
        _receiver = Bound();
        UdpDatagram.EnableArrivalTimestamps(_receiver);
        _target = _receiver.LocalEndPoint!.Serialize();
        _source = new SocketAddress(AddressFamily.InterNetwork);
        _send = new UdpSendBatch(UdpDatagram.DescriptorOf(_sender));
        _receive = new UdpReceiveBatch(UdpDatagram.DescriptorOf(_receiver));
        _datagram[0] = 0x80;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _send.Dispose();
        _receive.Dispose();
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Datagrams)]
    public int SendmmsgThenRecvmmsg()
    {
        for (var i = 0; i < Datagrams; i++)
        {
            _send.TryAdd(_datagram, _target);
        }

        _send.Flush();
        var received = 0;
        var bytes = 0;
        while (received < Datagrams)
        {
            var count = _receive.Receive();
            for (var i = 0; i < count; i++)
            {
                bytes += _receive.Datagram(i).Length;
                _receive.CopySource(i, _source);
            }

            received += Math.Max(count, 0);
        }

        return bytes;
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.ReceiveBufferSize = 1 << 20;
        return socket;
    }
}
