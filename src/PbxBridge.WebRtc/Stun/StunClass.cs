namespace PbxBridge.WebRtc.Stun;

/// <summary>The two class bits of a STUN message type (RFC 8489 §5).</summary>
public enum StunClass
{
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
}
