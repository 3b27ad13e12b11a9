namespace PbxBridge.WebRtc;

/// <summary>
/// The outcome of applying a remote description: our SDP (an answer; empty after applying an answer), or the
/// reason we cannot serve the offer, phrased for a SIP 488 Warning or a log line.
/// </summary>
public sealed record SdpNegotiationResult
{
    private SdpNegotiationResult(bool succeeded, string sdp, string? failureReason)
    {
        Succeeded = succeeded;
        Sdp = sdp;
        FailureReason = failureReason;
    }

    public bool Succeeded { get; }

    /// <summary>The answer SDP when we answered an offer; empty when we applied an answer.</summary>
    public string Sdp { get; }

    public string? FailureReason { get; }

    public static SdpNegotiationResult Answer(string sdp) => new(true, sdp, null);

    public static SdpNegotiationResult Applied() => new(true, string.Empty, null);

    public static SdpNegotiationResult Failed(string reason) => new(false, string.Empty, reason);
}
