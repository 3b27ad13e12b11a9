using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using PbxBridge.Media.G711;

namespace PbxBridge.Asterisk.Tests.Support;

/// <summary>
/// Stands in for the Calls room's PBX-side RTP socket: receives what Asterisk (the simulator) sends, and sends
/// PCMU from the same socket (as strictrtp requires).
/// </summary>
internal sealed class RtpProbe : IAsyncDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private ushort _sequence = 1000;
    private uint _timestamp;

    public RtpProbe() => _loop = Task.Run(ReceiveAsync);

    public IPEndPoint LocalEndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public ConcurrentQueue<(IPEndPoint Source, byte[] Packet)> Received { get; } = new();

    public int Count => Received.Count;

    public async Task<bool> WaitForPacketsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Received.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return Received.Count >= count;
    }

    public void SendPcmu(IPEndPoint to, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), _timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x11223344);
        _timestamp += (uint)payload.Length;
        payload.CopyTo(packet.AsSpan(12));
        _udp.Send(packet, to);
    }

    /// <summary>Goertzel power ratio of <paramref name="hz"/> in the decoded PCMU of the received packets (0..1).</summary>
    public double ToneRatio(double hz)
    {
        var samples = new List<short>();
        foreach (var (_, packet) in Received)
        {
            if (packet.Length <= 12 || (packet[1] & 0x7f) != 0)
            {
                continue;
            }

            var decoded = new short[packet.Length - 12];
            MuLaw.Decode(packet.AsSpan(12), decoded);
            samples.AddRange(decoded);
        }

        return Goertzel.Ratio(samples, hz, 8000);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Closed.
        }

        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = await _udp.ReceiveAsync(_stop.Token);
                Received.Enqueue((result.RemoteEndPoint, result.Buffer));
            }
            catch (SocketException)
            {
                // ICMP port unreachable from an earlier send: keep listening.
            }
        }
    }
}
