using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Dialogs;

/// <summary>The call that a dialog belongs to; the stack routes in-dialog traffic to it.</summary>
internal interface ISipDialogOwner
{
    /// <summary>The agent whose call this is: requests for the dialog are accepted from its registered flows too.</summary>
    string AgentId { get; }

    /// <summary>BYE, re-INVITE, UPDATE, INFO, OPTIONS inside the dialog, with the server transaction to answer on.</summary>
    void OnInDialogRequest(SipDialog dialog, SipRequest request, SipTransaction transaction);

    /// <summary>The ACK for a 2xx (a transaction of its own, RFC 3261 §17.1.1.3).</summary>
    void OnAck(SipDialog dialog, SipRequest ack);

    /// <summary>A 2xx to our INVITE arrived again (its ACK was lost): ACK it again.</summary>
    void OnRetransmitted2xx(SipDialog dialog, SipResponse response);

    void OnFlowClosed(SipDialog dialog);

    /// <summary>The agent came back on another connection (<see cref="SipDialog.Flow"/> is already the new one).</summary>
    void OnFlowMoved(SipDialog dialog, ISipFlow previous);

    void OnSessionExpired(SipDialog dialog);
}
