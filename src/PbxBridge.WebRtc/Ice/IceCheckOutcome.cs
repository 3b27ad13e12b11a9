namespace PbxBridge.WebRtc.Ice;

/// <summary>What the ICE-lite agent did with one incoming STUN datagram.</summary>
public enum IceCheckOutcome
{
    /// <summary>Not a Binding request we act on (malformed, a response, an indication): no answer.</summary>
    Ignored,

    /// <summary>MESSAGE-INTEGRITY or FINGERPRINT did not verify: silently dropped and counted.</summary>
    BadIntegrity,

    /// <summary>An error response (400, 401, 487) was written.</summary>
    ErrorResponse,

    /// <summary>A valid check: success response written, address verified, consent refreshed.</summary>
    Success,

    /// <summary>A valid check carrying USE-CANDIDATE from an address that was not the nominated one.</summary>
    Nominated,
}
