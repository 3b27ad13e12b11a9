using PbxBridge.Sip.Sdp;

namespace PbxBridge.WebRtc;

/// <summary>
/// What offer/answer settled for the browser's audio: the payload types the browser uses for Opus and RFC 4733
/// telephone-events, and the direction from PbxBridge's side (RecvOnly = the browser holds us: do not send).
/// </summary>
public sealed record NegotiatedAudio(
    int OpusPayloadType,
    int? TelephoneEventPayloadType,
    int? TelephoneEventClockRate,
    MediaDirection Direction)
{
    /// <summary>
    /// The browser's Opus fmtp carries usedtx=1 (RFC 7587 §6.1): as a receiver it prefers DTX, so our encoder stops
    /// sending during the PBX side's silence.
    /// </summary>
    public bool OpusUseDtx { get; init; }

    public bool MaySend => Direction is MediaDirection.SendRecv or MediaDirection.SendOnly;

    public bool MayReceive => Direction is MediaDirection.SendRecv or MediaDirection.RecvOnly;

    /// <summary>
    /// The direction the browser declared (its offer's or answer's a=sendonly, ...): the mirror of ours, since an
    /// answer mirrors its offer (RFC 3264 §6.1). Hold is decided on this, never on <see cref="Direction"/>: a
    /// browser's hold offers sendonly and we answer recvonly.
    /// </summary>
    public MediaDirection BrowserDirection => Direction switch
    {
        MediaDirection.SendOnly => MediaDirection.RecvOnly,
        MediaDirection.RecvOnly => MediaDirection.SendOnly,
        _ => Direction,
    };

    /// <summary>The agent holds the call (RFC 3264 §8.4: sendonly, or inactive when the far end held first).</summary>
    public bool HeldByBrowser => BrowserDirection is MediaDirection.SendOnly or MediaDirection.Inactive;
}
