using PbxBridge.Fuzzing.Engine;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>Every target by name, in the order the runner and the tests go through them.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } =
        ["sip", "sdp", "stun", "dtls", "rtp", "rtcp", "srtp", "srtp-gcm", "srtcp", "srtcp-gcm", "pbx-rtp", "esl", "ari"];

    public static FuzzTarget Create(string name) => name switch
    {
        "sip" => new SipTarget(),
        "sdp" => new SdpTarget(),
        "stun" => new StunTarget(),
        "dtls" => new DtlsTarget(),
        "rtp" => new BrowserRtpTarget(),
        "rtcp" => new RtcpTarget(),
        "srtp" => new SrtpTarget(SrtpProtectionProfile.AesCm128HmacSha1_80, "srtp"),
        "srtp-gcm" => new SrtpTarget(SrtpProtectionProfile.AeadAes128Gcm, "srtp-gcm"),
        "srtcp" => new SrtcpTarget(SrtpProtectionProfile.AesCm128HmacSha1_80, "srtcp"),
        "srtcp-gcm" => new SrtcpTarget(SrtpProtectionProfile.AeadAes128Gcm, "srtcp-gcm"),
        "pbx-rtp" => new PbxRtpTarget(),
        "esl" => new EslTarget(),
        "ari" => new AriTarget(),
        _ => throw new ArgumentException($"unknown fuzz target '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
