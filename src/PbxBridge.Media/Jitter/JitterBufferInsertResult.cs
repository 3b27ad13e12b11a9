namespace PbxBridge.Media.Jitter;

public enum JitterBufferInsertResult
{
    Accepted,

    /// <summary>Accepted after flushing: a new SSRC or a sequence jump restarted the stream.</summary>
    AcceptedAfterResync,

    /// <summary>Its playout time has passed (or it was already declared lost): dropped.</summary>
    Late,
    Duplicate,

    /// <summary>Larger than a slot: dropped.</summary>
    TooLarge,
}
