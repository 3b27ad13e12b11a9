using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Net;
using PbxBridge.WebRtc.Stun;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Benchmarks.Transport;

/// <summary>
/// The per-datagram lookup of Media:SingleUdpPort with 1,000 legs on the port: an SRTP packet found by its bound
/// source address (what nearly every datagram is), a Chromium-sized consent check found by the ufrag in its USERNAME,
/// and SRTP from an address no leg bound (dropped). Each must show 0 B allocated.
/// <c>dotnet run -c Release --project bench/PbxBridge.Benchmarks -- --filter '*SingleUdpPortRoute*'</c>
/// </summary>
[MemoryDiagnoser]
public class SingleUdpPortRouteBenchmarks
{
    private const int Legs = 1000;
    private readonly byte[] _srtp = new byte[172];
    private byte[] _check = [];
    private MediaEventLoop _loop = null!;
    private SingleUdpPort _port = null!;
    private SocketAddress _boundSource = null!;
    private SocketAddress _strangerSource = null!;

    [GlobalSetup]
    public void Setup()
    {
        _loop = new MediaEventLoop("bench-single-port", NullLogger.Instance);
        _port = new SingleUdpPort(IPAddress.Loopback, 0, [_loop]);
        string lastUfrag = "";
        for (var i = 0; i < Legs; i++)
        {
            var leg = new Leg(_loop);
            lastUfrag = $"uf{i:D6}";
            _port.RegisterUfrag(lastUfrag, leg);
            _boundSource = new IPEndPoint(IPAddress.Parse($"198.51.{i / 250}.{(i % 250) + 1}"), 50000 + i).Serialize();
            _port.BindAddress(_boundSource, leg);
        }

        _strangerSource = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000).Serialize();
        _srtp[0] = 0x80;
        _srtp[1] = 111;
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, RandomNumberGenerator.GetBytes(12));
        writer.AddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes($"{lastUfrag}:remoteUf"));
        writer.AddUInt32(StunAttributeType.Priority, 1853824767);
        writer.AddUInt64(StunAttributeType.IceControlling, 0x1234_5678_9ABC_DEF0);
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes("0123456789abcdefghijklmn"));
        writer.AddFingerprint();
        _check = buffer.AsSpan(0, writer.Length).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _port.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _loop.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool SrtpByAddress() => _port.Route(_srtp, _boundSource) is not null;

    [Benchmark]
    public bool CheckByUfrag() => _port.Route(_check, _strangerSource) is not null;

    [Benchmark]
    public bool SrtpFromUnboundAddress() => _port.Route(_srtp, _strangerSource) is null;

    private sealed class Leg(MediaEventLoop loop) : ISingleUdpPortLeg
    {
        public MediaEventLoop Loop => loop;

        public void OnDatagram(Span<byte> datagram, SocketAddress source, long arrival)
        {
        }
    }
}
