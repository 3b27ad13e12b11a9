using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Net;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Benchmarks.Transport;

/// <summary>
/// One 172-byte datagram from the kernel to the code that handles it, while the receiver is idle (how media arrives:
/// one packet per call every 20 ms): sent on loopback, then waited for until the handler has read it. Baseline: the
/// per-socket receive loop PbxBridge used before, an awaited <c>ReceiveFromAsync(Memory, SocketFlags, SocketAddress)</c>
/// (.NET's epoll thread wakes, queues the continuation to the thread pool, a worker reads). Against it: a
/// <see cref="MediaEventLoop"/> whose thread epoll wakes and which reads with a non-blocking recvfrom. Both hand the
/// packet to the benchmark thread the same way, so the ratio is the hand-off's; both must show 0 B allocated.
/// <c>dotnet run -c Release --project bench/PbxBridge.Benchmarks -- --filter '*DatagramHandOff*'</c>
/// </summary>
[MemoryDiagnoser]
public class DatagramHandOffBenchmarks
{
    private readonly byte[] _datagram = new byte[172];
    private readonly ManualResetEventSlim _handled = new(false, spinCount: 0);
    private Socket _sender = null!;
    private Socket _asyncSocket = null!;
    private Socket _loopSocket = null!;
    private SocketAddress _asyncTarget = null!;
    private SocketAddress _loopTarget = null!;
    private MediaEventLoop _loop = null!;
    private CancellationTokenSource _stop = null!;
    private Task _asyncReceiver = Task.CompletedTask;

    [GlobalSetup]
    public void Setup()
    {
        _sender = Bound();
        _asyncSocket = Bound();
        _loopSocket = Bound();
        _asyncTarget = _asyncSocket.LocalEndPoint!.Serialize();
        _loopTarget = _loopSocket.LocalEndPoint!.Serialize();
        _stop = new CancellationTokenSource();
        _asyncReceiver = Task.Run(ReceiveAsync);
        _loop = new MediaEventLoop("bench-media-loop", NullLogger.Instance);
        _loop.Watch(_loopSocket, new LoopReader(_loopSocket, _handled));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _loop.Dispose();
        _asyncSocket.Dispose();
        _loopSocket.Dispose();
        _sender.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void ThreadPoolReceiveLoop() => SendAndWait(_asyncTarget);

    [Benchmark]
    public void MediaEventLoopReceive() => SendAndWait(_loopTarget);

    private void SendAndWait(SocketAddress target)
    {
        _handled.Reset();
        _sender.SendTo(_datagram, SocketFlags.None, target);
        _handled.Wait();
    }

    private async Task ReceiveAsync()
    {
        var buffer = GC.AllocateArray<byte>(2048, pinned: true);
        var source = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _asyncSocket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, source, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _handled.Set();
        }
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private sealed class LoopReader(Socket socket, ManualResetEventSlim handled) : IDatagramReadable
    {
        private readonly int _descriptor = UdpDatagram.DescriptorOf(socket);
        private readonly byte[] _buffer = GC.AllocateArray<byte>(2048, pinned: true);
        private readonly SocketAddress _source = new(AddressFamily.InterNetwork);

        public void OnReadable()
        {
            if (UdpDatagram.TryReceiveFrom(_descriptor, _buffer, _source) >= 0)
            {
                handled.Set();
            }
        }
    }
}
