using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.FreeSwitch.Tests.Simulator;

public sealed class SimulatorRtpTests
{
    [Fact]
    public async Task Rfc4733_digit_is_counted_once_despite_three_end_packets()
    {
        await using var stream = new SimulatedRtpStream(SimulatedMedia.Silence);
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        stream.Start((IPEndPoint)sender.Client.LocalEndPoint!);
        var digits = new List<char>();
        stream.DigitReceived = digits.Add;

        // Digit 7 (event 7), timestamp 1600: two progress packets, then the end bit three times (RFC 4733 §2.5.1.4).
        ushort seq = 1;
        foreach (var (end, duration) in new[] { (false, 160), (false, 320), (true, 800), (true, 800), (true, 800) })
        {
            await sender.SendAsync(TelephoneEvent(seq++, 1600, 7, end, (ushort)duration), stream.LocalEndPoint);
        }

        await Contract.TestContext.Eventually(() => stream.DtmfDigits.Count > 0);
        await Task.Delay(100);
        Assert.Equal(['7'], stream.DtmfDigits);
        Assert.Equal(['7'], digits);
    }

    [Fact]
    public async Task Tone_stream_sends_20_ms_pcmu_packets_at_1004_Hz()
    {
        await using var tone = new SimulatedRtpStream(SimulatedMedia.Tone);
        await using var listener = new SimulatedRtpStream(SimulatedMedia.Silence);
        tone.Start(listener.LocalEndPoint);
        listener.Start(tone.LocalEndPoint);

        await Contract.TestContext.Eventually(() => listener.PacketsReceived >= 60);

        Assert.InRange(listener.MeasureFrequency(), 990, 1018);
    }

    private static byte[] TelephoneEvent(ushort sequence, uint timestamp, byte eventCode, bool end, ushort duration)
    {
        var packet = new byte[16];
        packet[0] = 0x80;
        packet[1] = 101;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x1234);
        packet[12] = eventCode;
        packet[13] = (byte)((end ? 0x80 : 0) | 10);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), duration);
        return packet;
    }
}
