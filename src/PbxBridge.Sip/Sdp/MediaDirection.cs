namespace PbxBridge.Sip.Sdp;

/// <summary>The SDP direction attributes of RFC 8866 §6.7, always from PbxBridge's point of view once negotiated.</summary>
public enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}
