using System.Net;
using System.Text;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Sdp;

namespace PbxBridge.Fuzzing.Seeds;

/// <summary>
/// SDP seeds: the offer recorded from Chromium 156 (audio + video + data channel, BUNDLE, ICE, DTLS) and the offer
/// PbxBridge itself makes toward a browser (the shape a browser's answer takes).
/// </summary>
public static class SdpSeeds
{
    public static IReadOnlyList<byte[]> All { get; } = Build();

    public static IReadOnlyList<byte[]> Tokens { get; } = SeedText.Tokens(
        "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "c=IN IP4 0.0.0.0", "c=IN IP6 ::1", "b=AS:30",
        "a=group:BUNDLE 0 1 2", "a=group:BUNDLE", "a=msid-semantic: WMS", "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
        "m=audio 0 UDP/TLS/RTP/SAVPF 111", "m=audio 9 RTP/AVP 0", "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "a=rtpmap:111 opus/48000/2", "a=rtpmap:999 opus/48000/2",
        "a=rtpmap:-1 opus/48000/2", "a=rtpmap:126 telephone-event/8000", "a=rtpmap:110 telephone-event/48000",
        "a=fmtp:111 minptime=10;useinbandfec=1", "a=ice-ufrag:ZxCv", "a=ice-pwd:asd88fgpdd777uzjYhagZg", "a=ice-ufrag:",
        "a=ice-options:trickle", "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
        "a=fingerprint:sha-1 00", "a=fingerprint:md5", "a=setup:actpass", "a=setup:passive", "a=setup:active", "a=setup:holdconn",
        "a=mid:0", "a=mid:", "a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive", "a=rtcp-mux", "a=rtcp-rsize", "a=rtcp:9 IN IP4 0.0.0.0",
        "a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host generation 0", "a=candidate:2 1 udp 2122262783 1f.local 9 typ host",
        "a=end-of-candidates", "a=ssrc:3735928559 cname:fuzz", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", "a=", "=", "a=:");

    private static List<byte[]> Build()
    {
        var ours = new LocalAudioDescription(
            IPAddress.Parse("192.0.2.10"), 40000, new IceCredentials("ab12", "0123456789abcdefghijklmn"),
            DtlsFingerprint.Of("sha-256", Encoding.ASCII.GetBytes("seed")), DtlsSetup.ActPass, SdpOfferer.OpusPayloadType,
            SdpOfferer.OfferedTelephoneEvents, MediaDirection.SendRecv, SdpOfferer.Mid, 0xCAFE, "seed-cname", 7, 1);
        return [SeedText.Embedded("chromium156-offer.sdp"), Encoding.UTF8.GetBytes(SdpOfferer.CreateOffer(ours).ToString())];
    }
}
