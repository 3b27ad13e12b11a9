using PbxBridge.Media.Statistics;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls.Media;

/// <summary>
/// Inbound media one call refused, by reason: the browser leg's receive loop (STUN, DTLS, SRTP, SRTCP, RTCP, source
/// checks) and both pipelines (RTP that did not parse or fit). /metrics sums them over calls as
/// pbxbridge_media_packets_rejected_total{reason}; the reasons are <see cref="ByReason"/>'s labels.
/// </summary>
public sealed record CallMediaRejections(
    long StunBadIntegrity,
    long StunMalformed,
    long DtlsMalformed,
    long SrtpAuthenticationFailed,
    long SrtpReplayed,
    long SrtpMalformed,
    long SrtcpAuthenticationFailed,
    long SrtcpReplayed,
    long SrtcpMalformed,
    long RtcpMalformed,
    long FromUnverifiedAddress,
    long BeforeKeys,
    long UnknownDatagram,
    long RtpFromBrowserDiscarded,
    long RtpFromPbxDiscarded,
    long StunUnauthenticated,
    long StunReplayed)
{
    public static CallMediaRejections None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static CallMediaRejections Read(WebRtcStatistics? browser, MediaDirectionStatistics? toPbx, MediaDirectionStatistics? toBrowser) => new(
        browser?.StunBadIntegrity ?? 0,
        browser?.StunIgnored ?? 0,
        browser?.DtlsMalformed ?? 0,
        browser?.SrtpAuthenticationFailures ?? 0,
        browser?.SrtpReplaysDropped ?? 0,
        browser?.SrtpMalformed ?? 0,
        browser?.SrtcpAuthenticationFailures ?? 0,
        browser?.SrtcpReplaysDropped ?? 0,
        browser?.SrtcpMalformed ?? 0,
        browser?.RtcpMalformed ?? 0,
        browser?.DroppedFromUnverifiedAddress ?? 0,
        browser?.DroppedBeforeConnected ?? 0,
        browser?.UnknownDatagrams ?? 0,
        toPbx?.PacketsDiscarded ?? 0,
        toBrowser?.PacketsDiscarded ?? 0,
        browser?.StunUnauthenticated ?? 0,
        browser?.StunReplayed ?? 0);

    /// <summary>Label value and count, in a fixed order: every reason is always exported, zero included.</summary>
    public IReadOnlyList<(string Reason, long Count)> ByReason() =>
    [
        ("stun_bad_integrity", StunBadIntegrity),
        ("stun_malformed", StunMalformed),
        ("dtls_malformed", DtlsMalformed),
        ("srtp_auth", SrtpAuthenticationFailed),
        ("srtp_replay", SrtpReplayed),
        ("srtp_malformed", SrtpMalformed),
        ("srtcp_auth", SrtcpAuthenticationFailed),
        ("srtcp_replay", SrtcpReplayed),
        ("srtcp_malformed", SrtcpMalformed),
        ("rtcp_malformed", RtcpMalformed),
        ("unverified_source", FromUnverifiedAddress),
        ("before_keys", BeforeKeys),
        ("unknown_datagram", UnknownDatagram),
        ("rtp_from_browser_discarded", RtpFromBrowserDiscarded),
        ("rtp_from_pbx_discarded", RtpFromPbxDiscarded),
        ("stun_unauthenticated", StunUnauthenticated),
        ("stun_replayed", StunReplayed),
    ];
}
