using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>The transaction user (RFC 3261 §5) above a <see cref="SipCore"/>: the browser side's registrar and call
/// roles, or the FreeSWITCH media leg's user agent. Called inside the core's serialized section.</summary>
internal interface ISipTransactionUser
{
    /// <summary>A new request (not an ACK, not a retransmission) with the server transaction to answer it on. Requests
    /// inside a dialog are passed on with <see cref="SipCore.RouteInDialog"/>.</summary>
    void OnRequest(ISipFlow flow, SipRequest request, SipTransaction transaction);

    /// <summary>Whether a request for <paramref name="dialog"/> may come from <paramref name="flow"/>.</summary>
    bool IsDialogPeer(SipDialog dialog, ISipFlow flow);
}
