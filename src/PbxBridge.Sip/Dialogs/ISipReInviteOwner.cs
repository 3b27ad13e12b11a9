using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Dialogs;

/// <summary>The call above a <see cref="SipReInviteClient"/>: when a re-INVITE may go, what it offers, what came of it.</summary>
internal interface ISipReInviteOwner
{
    /// <summary>The confirmed dialog a re-INVITE of ours may go out in now; null while the initial INVITE is not over,
    /// the call has ended or its flow is closed.</summary>
    SipDialog? ReInviteDialog { get; }

    /// <summary>Our offer as things are now, or null when there is nothing to change any more.</summary>
    string? CreateOffer();

    /// <summary>The final response to our re-INVITE (a 2xx is ACKed already; 491 never comes here, it is retried).</summary>
    void OnReInviteFinal(SipResponse response);
}
