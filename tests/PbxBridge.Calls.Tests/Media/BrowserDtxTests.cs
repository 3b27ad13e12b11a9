using System.Net;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Pbx;
using PbxBridge.Media;
using PbxBridge.Media.G711;
using PbxBridge.Media.Rtp;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls.Tests.Media;

/// <summary>
/// A browser whose Opus fmtp says usedtx=1 (RFC 7587 §6.1) prefers DTX: the call's PBX-to-browser pipeline, built as
/// CallMediaBridge builds it, stops sending while the PBX side is silent and starts again with speech; a browser
/// that did not ask gets every frame (Media:OpusDtx off, the default).
/// </summary>
public sealed class BrowserDtxTests
{
    private static readonly CallMediaSettings Settings = new(PbxCodec.Pcmu, 5, 24000, true, false);
    private static readonly PbxMediaAnswer Asterisk = new(new IPEndPoint(IPAddress.Loopback, 16418), PbxCodec.Pcmu);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Silence_from_the_pbx_is_sent_to_the_browser_only_when_it_did_not_ask_for_dtx(bool usedtx)
    {
        var browser = new NegotiatedAudio(111, 126, 48000, MediaDirection.SendRecv) { OpusUseDtx = usedtx };
        using var pipeline = new PbxToBrowserPipeline(CallMediaBridge.ToBrowserOptions(browser, Asterisk, PbxPayloadFormat.Pcmu, 0xB0B0, Settings));
        var output = new byte[1500];

        var silentSent = 0;
        for (var i = 0; i < 100; i++)
        {
            silentSent += pipeline.Process(Packet(i, amplitude: 0), output) > 0 ? 1 : 0;
        }

        var speechSent = 0;
        for (var i = 100; i < 150; i++)
        {
            speechSent += pipeline.Process(Packet(i, amplitude: 8000), output) > 0 ? 1 : 0;
        }

        // DTX keeps a comfort-noise update every 400 ms: 100 silent frames leave only a handful.
        Assert.InRange(silentSent, usedtx ? 0 : 100, usedtx ? 15 : 100);
        Assert.Equal(50, speechSent);
    }

    private static byte[] Packet(int index, short amplitude)
    {
        var pcm = new short[160];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(amplitude * Math.Sin(2 * Math.PI * 440 * ((index * 160) + i) / 8000.0));
        }

        var payload = new byte[160];
        MuLaw.Encode(pcm, payload);
        var packet = new byte[RtpPacket.FixedHeaderLength + 160];
        RtpPacketWriter.Write(packet, new RtpHeaderFields(RtpPayloadTypes.Pcmu, (ushort)index, (uint)(160 * index), 0xA5A5), payload);
        return packet;
    }
}
