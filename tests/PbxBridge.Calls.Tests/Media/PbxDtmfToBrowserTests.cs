using System.Net;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Pbx;
using PbxBridge.Media;
using PbxBridge.Media.Dtmf;
using PbxBridge.Media.Rtp;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls.Tests.Media;

/// <summary>A call's PBX-to-browser pipeline, built as CallMediaBridge builds it, relays the PBX leg's telephone-events.</summary>
public sealed class PbxDtmfToBrowserTests
{
    private static readonly CallMediaSettings Settings = new(PbxCodec.Pcmu, 5, 24000, true, false);
    private static readonly NegotiatedAudio Browser = new(111, 126, 48000, MediaDirection.SendRecv);

    [Fact]
    public void A_freeswitch_leg_with_telephone_event_101_has_its_digits_relayed_on_the_browsers_126()
    {
        var freeSwitch = new PbxMediaAnswer(new IPEndPoint(IPAddress.Loopback, 16418), PbxCodec.Pcmu, TelephoneEventPayloadType: 101);
        using var pipeline = new PbxToBrowserPipeline(CallMediaBridge.ToBrowserOptions(Browser, freeSwitch, PbxPayloadFormat.Pcmu, 0xB0B0, Settings));
        var output = new byte[1500];

        var length = pipeline.Process(Event(101, 5), output);

        Assert.True(RtpPacket.TryParse(output.AsSpan(0, length), out var rtp));
        Assert.Equal(126, rtp.PayloadType);
        Assert.True(rtp.Marker);
        Assert.True(TelephoneEventPayload.TryRead(rtp.Payload, out var e));
        Assert.Equal((byte)5, e.Event);
        Assert.Equal(960, e.Duration);
    }

    [Fact]
    public void A_leg_without_telephone_event_relays_nothing()
    {
        // Asterisk's externalMedia has no SDP: its digits come through ARI, and a PT 101 packet is not one of them.
        var asterisk = new PbxMediaAnswer(new IPEndPoint(IPAddress.Loopback, 16418), PbxCodec.Pcmu);
        using var pipeline = new PbxToBrowserPipeline(CallMediaBridge.ToBrowserOptions(Browser, asterisk, PbxPayloadFormat.Pcmu, 0xB0B0, Settings));

        Assert.Equal(0, pipeline.Process(Event(101, 5), new byte[1500]));
    }

    private static byte[] Event(byte payloadType, byte code)
    {
        var packet = new byte[RtpPacket.FixedHeaderLength + TelephoneEventPayload.Length];
        var payload = new byte[TelephoneEventPayload.Length];
        new TelephoneEventPayload(code, false, 13, 160).Write(payload);
        RtpPacketWriter.Write(packet, new RtpHeaderFields(payloadType, 1, 8000, 0x5EED, Marker: true), payload);
        return packet;
    }
}
