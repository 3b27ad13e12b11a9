using PbxBridge.WebRtc.Transport;

namespace PbxBridge.WebRtc.Tests.Transport;

public sealed class DatagramClassifierTests
{
    [Theory]
    [InlineData(new byte[] { 0x00, 0x01 }, DatagramKind.Stun)]
    [InlineData(new byte[] { 0x01, 0x01 }, DatagramKind.Stun)]
    [InlineData(new byte[] { 22, 0xFE }, DatagramKind.Dtls)]
    [InlineData(new byte[] { 23, 0xFE }, DatagramKind.Dtls)]
    [InlineData(new byte[] { 0x80, 111 }, DatagramKind.Rtp)]
    [InlineData(new byte[] { 0x80, 0x80 | 111 }, DatagramKind.Rtp)]
    [InlineData(new byte[] { 0x81, 200 }, DatagramKind.Rtcp)]
    [InlineData(new byte[] { 0x80, 201 }, DatagramKind.Rtcp)]
    [InlineData(new byte[] { 0x40, 0x00 }, DatagramKind.Unknown)]
    [InlineData(new byte[] { 0xFF, 0x00 }, DatagramKind.Unknown)]
    [InlineData(new byte[] { }, DatagramKind.Unknown)]
    public void First_byte_selects_the_protocol_as_RFC_7983_says(byte[] datagram, DatagramKind expected)
    {
        Assert.Equal(expected, DatagramClassifier.Classify(datagram));
    }
}
