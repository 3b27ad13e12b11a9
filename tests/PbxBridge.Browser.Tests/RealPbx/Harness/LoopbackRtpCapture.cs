using System.Buffers.Binary;
using System.Net.Sockets;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// Watches the loopback wire (an AF_PACKET socket on the test's network namespace, root only) for the RTP packets
/// PbxBridge sends toward browsers: SRTP encrypts the payload but not the RTP header (RFC 3711 §3.1), so the payload
/// type, marker and timestamp of what really left for the browser can be read. WebRTC hands received RFC 4733 events to
/// its jitter buffer and never to the page, so this is where the test sees them.
/// </summary>
public sealed class LoopbackRtpCapture : IDisposable
{
    private const int EthPAll = 0x0003;
    private readonly Socket _socket;
    private readonly Thread _reader;
    private readonly List<(ushort SourcePort, byte PayloadType, uint Timestamp, bool Marker)> _packets = [];
    private readonly (int Start, int End) _sourcePorts;
    private volatile bool _stopped;

    /// <summary>Captures UDP from source ports <paramref name="sourcePortStart"/>-<paramref name="sourcePortEnd"/> (PbxBridge's browser range).</summary>
    public LoopbackRtpCapture(int sourcePortStart, int sourcePortEnd)
    {
        _sourcePorts = (sourcePortStart, sourcePortEnd);
        _socket = new Socket(AddressFamily.Packet, SocketType.Raw, (ProtocolType)BinaryPrimitives.ReverseEndianness((ushort)EthPAll));
        _socket.ReceiveTimeout = 200;
        _reader = new Thread(Read) { IsBackground = true, Name = "loopback-rtp-capture" };
        _reader.Start();
    }

    /// <summary>Distinct events (RTP timestamps) of payload type <paramref name="payloadType"/> seen so far.</summary>
    public int EventsOfPayloadType(int payloadType)
    {
        lock (_packets)
        {
            return _packets.Where(p => p.PayloadType == payloadType).Select(p => (p.SourcePort, p.Timestamp)).Distinct().Count();
        }
    }

    /// <summary>Packets per payload type, for failure messages.</summary>
    public string Summary()
    {
        lock (_packets)
        {
            return string.Join(", ", _packets.GroupBy(p => p.PayloadType).Select(g => $"PT {g.Key}: {g.Count()}"));
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _reader.Join(TimeSpan.FromSeconds(2));
        _socket.Dispose();
    }

    private void Read()
    {
        var frame = new byte[2048];
        while (!_stopped)
        {
            int length;
            try
            {
                length = _socket.Receive(frame);
            }
            catch (SocketException)
            {
                continue; // the receive timeout: look at _stopped again
            }

            Parse(frame.AsSpan(0, length));
        }
    }

    private void Parse(ReadOnlySpan<byte> frame)
    {
        // Loopback frames carry a 14-byte Ethernet header (zero addresses), then IPv4.
        if (frame.Length < 14 + 20 + 8 + 12 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800)
        {
            return;
        }

        var ip = frame[14..];
        var headerLength = (ip[0] & 0x0f) * 4;
        if (ip[9] != 17 || ip.Length < headerLength + 8 + 12)
        {
            return;
        }

        var udp = ip[headerLength..];
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(udp);
        var rtp = udp[8..];
        // RTP version 2 and not RTCP (RFC 5761: payload types 64-95 with the marker are RTCP packet types 192-223).
        if (sourcePort < _sourcePorts.Start || sourcePort > _sourcePorts.End || rtp[0] >> 6 != 2 || (rtp[1] & 0x7f) is >= 64 and <= 95)
        {
            return;
        }

        lock (_packets)
        {
            _packets.Add((sourcePort, (byte)(rtp[1] & 0x7f), BinaryPrimitives.ReadUInt32BigEndian(rtp[4..]), (rtp[1] & 0x80) != 0));
        }
    }
}
