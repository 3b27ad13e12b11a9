namespace PbxBridge.Sip;

/// <summary>Why a call's dialog (or attempt) ended.</summary>
public enum SipCallEndReason
{
    /// <summary>The browser sent BYE.</summary>
    RemoteBye,

    /// <summary>The browser sent CANCEL before answer (487 already sent).</summary>
    Cancelled,

    /// <summary>The WebSocket (flow) closed.</summary>
    TransportClosed,

    /// <summary>No ACK came for our 200 OK within 64*T1.</summary>
    AckTimeout,

    /// <summary>RFC 4028: the session was not refreshed in time; we sent BYE.</summary>
    SessionExpired,

    /// <summary>We hung up (Hangup, or a BYE after a losing fork's 200).</summary>
    LocalHangup,

    /// <summary>A request in the dialog timed out or was answered 481: the peer lost the dialog.</summary>
    DialogLost,
}

/// <summary>How a call ended, with an optional detail (e.g. the Reason header of the BYE).</summary>
public sealed record SipCallEnd(SipCallEndReason Reason, string? Detail = null);
