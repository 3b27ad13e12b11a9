namespace PbxBridge.Asterisk.Ari.Events;

/// <summary>
/// "A channel initiated a media hold" (ARI events model): published when a channel driver queues a hold from its
/// device (res_pjsip: the phone's re-INVITE a=sendonly). Recorded with Asterisk 22.10.1: not raised for a Local
/// channel whose other half is held, nor for POST /channels/{id}/hold (Transcripts/far-party-hold-through-local.jsonl).
/// </summary>
public sealed class ChannelHold : ChannelEvent
{
    /// <summary>The music on hold class the holding side asked for.</summary>
    public string? Musicclass { get; set; }
}
