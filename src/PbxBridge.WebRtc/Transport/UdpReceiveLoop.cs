using System.Net;
using System.Net.Sockets;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// The per-call receive loop: one pinned buffer and one <see cref="SocketAddress"/> reused for every datagram
/// through the allocation-free <c>ReceiveFromAsync(Memory, SocketFlags, SocketAddress)</c> overload, each
/// datagram classified by its first byte (RFC 7983) and handed to the sink. Nothing a peer sends can end the
/// loop: bad input is counted and the next datagram is read.
/// </summary>
internal sealed class UdpReceiveLoop
{
    private const int BufferSize = 2048;

    private readonly Socket _socket;
    private readonly IDatagramSink _sink;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _datagrams;
    private long _errors;

    public UdpReceiveLoop(Socket socket, IDatagramSink sink)
    {
        _socket = socket;
        _sink = sink;
    }

    public long Datagrams => Volatile.Read(ref _datagrams);

    public long Errors => Volatile.Read(ref _errors);

    /// <summary>The last exception the sink threw, kept for diagnostics (logged by the owner, not per packet).</summary>
    public Exception? LastError { get; private set; }

    public void Start() => _loop = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private async Task RunAsync()
    {
        var buffer = GC.AllocateArray<byte>(BufferSize, pinned: true);
        var memory = buffer.AsMemory();
        var source = new SocketAddress(_socket.AddressFamily);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(memory, SocketFlags.None, source, token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // ICMP errors surface here on some platforms; the socket itself is still good.
                Interlocked.Increment(ref _errors);
                continue;
            }

            Interlocked.Increment(ref _datagrams);
            var datagram = buffer.AsSpan(0, length);
            try
            {
                switch (DatagramClassifier.Classify(datagram))
                {
                    case DatagramKind.Stun:
                        _sink.OnStun(datagram, source);
                        break;
                    case DatagramKind.Dtls:
                        _sink.OnDtls(datagram, source);
                        break;
                    case DatagramKind.Rtp:
                        _sink.OnRtp(datagram, source);
                        break;
                    case DatagramKind.Rtcp:
                        _sink.OnRtcp(datagram, source);
                        break;
                    default:
                        _sink.OnUnknown(datagram, source);
                        break;
                }
            }
#pragma warning disable CA1031 // A receive loop must survive anything a datagram or an observer can throw.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _errors);
                LastError = ex;
            }
        }
    }
}
