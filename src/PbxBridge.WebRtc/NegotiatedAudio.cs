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
    public bool MaySend => Direction is MediaDirection.SendRecv or MediaDirection.SendOnly;

    public bool MayReceive => Direction is MediaDirection.SendRecv or MediaDirection.RecvOnly;
}
