namespace PbxBridge.WebRtc.Ice;

/// <summary>What the ICE-lite agent did with one incoming STUN datagram.</summary>
public enum IceCheckOutcome
{
    /// <summary>Not a Binding request we act on (malformed, a response, an indication): no answer.</summary>
    Ignored,

    /// <summary>MESSAGE-INTEGRITY or FINGERPRINT did not verify: silently dropped and counted.</summary>
    BadIntegrity,

    /// <summary>No USERNAME or MESSAGE-INTEGRITY, or a USERNAME that is not ours: dropped without an answer and counted.</summary>
    Unauthenticated,

    /// <summary>A verified check whose transaction id was already seen from another address: dropped and counted.</summary>
    Replayed,

    /// <summary>An error response (487 Role Conflict, to an authenticated check) was written.</summary>
    ErrorResponse,

    /// <summary>A valid check: success response written, address verified, consent refreshed.</summary>
    Success,

    /// <summary>A valid check carrying USE-CANDIDATE from an address that was not the nominated one.</summary>
    Nominated,
}
