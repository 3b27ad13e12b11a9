using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>Routing of received messages: transactions first (RFC 3261 §17.2.3), then dialogs (§12.2.2), then the
/// out-of-dialog methods (REGISTER, OPTIONS, INVITE, and the ones we refuse).</summary>
public sealed partial class SipStack
{
    /// <summary>Option tags we can honour in Require (RFC 3261 §8.2.2.3).</summary>
    private static readonly string[] SupportedExtensions = ["timer", "outbound", "path", "gruu", "ice", "replaces"];

    private void OnRequest(ISipFlow flow, SipRequest request)
    {
        if (request.Method == SipMethod.Ack)
        {
            OnAckRequest(flow, request);
            return;
        }

        var key = SipTransaction.ServerKey(request);
        if (Transactions.Find<SipTransaction>(key) is { } existing)
        {
            // A retransmission: the transaction answers it with its last response.
            (existing as InviteServerTransaction)?.OnRetransmission();
            (existing as NonInviteServerTransaction)?.OnRetransmission();
            return;
        }

        if (request.TopVia is not { IsRfc3261Branch: true } via || via.Branch!.Length <= Via.MagicCookie.Length)
        {
            // RFC 2543 transaction identifiers are not supported: answer statelessly.
            Send(flow, SipResponse.For(request, 400, "Missing or malformed branch"));
            return;
        }

        SipTransaction transaction = request.Method == SipMethod.Invite
            ? new InviteServerTransaction(Transactions, request, flow)
            : new NonInviteServerTransaction(Transactions, request, flow);
        Transactions.Add(transaction);

        if (Precheck(request) is { } refusal)
        {
            Respond(transaction, refusal);
            return;
        }

        if (request.Method == SipMethod.Cancel)
        {
            OnCancel(flow, request, transaction);
            return;
        }

        if (request.To?.Tag is { } toTag)
        {
            var fromTag = request.From?.Tag ?? string.Empty;
            if (_dialogs.TryGetValue(SipDialog.KeyOf(request.CallId!, toTag, fromTag), out var dialog))
            {
                // Before the CSeq check, so a stranger cannot push the dialog's CSeq past the agent's either.
                if (!IsDialogPeer(dialog.Flow, dialog.Owner.AgentId, flow))
                {
                    RefuseForeign(flow, request, transaction, dialog.Owner.AgentId);
                    return;
                }

                if (!dialog.TryAcceptRemoteCSeq(request.CSeq!.Value.Number))
                {
                    Respond(transaction, SipResponse.For(request, 500, "CSeq Out Of Order"));
                    return;
                }

                if (!ReferenceEquals(dialog.Flow, flow))
                {
                    // The agent's own client, on a connection it registered (IsDialogPeer): it reconnected, and
                    // whatever we send in this dialog (BYE, re-INVITE) must follow it there.
                    var previous = dialog.Flow;
                    dialog.MoveTo(flow);
                    Counters.DialogMoved();
                    LogDialogMoved(dialog.Owner.AgentId, request.Method, previous.Remote, flow.Remote);
                    dialog.Owner.OnFlowMoved(dialog, previous);
                }

                dialog.Owner.OnInDialogRequest(dialog, request, transaction);
                return;
            }

            Respond(transaction, SipResponse.For(request, 481, "Call/Transaction Does Not Exist"));
            return;
        }

        switch (request.Method)
        {
            case SipMethod.Register:
                OnRegister(flow, request, transaction);
                break;
            case SipMethod.Options:
                Respond(transaction, OptionsResponse(request));
                break;
            case SipMethod.Invite:
                SipIncomingCall.Begin(this, flow, request, (InviteServerTransaction)transaction, _authenticator, _registrar.Store);
                break;
            case SipMethod.Subscribe:
                Respond(transaction, WithAllow(SipResponse.For(request, 489, "Bad Event")));
                break;
            case SipMethod.Message or SipMethod.Notify or SipMethod.Refer or SipMethod.Prack or "PUBLISH":
                Respond(transaction, WithAllow(SipResponse.For(request, 405, "Method Not Allowed")));
                break;
            case SipMethod.Bye or SipMethod.Info or SipMethod.Update:
                Respond(transaction, SipResponse.For(request, 481, "Call/Transaction Does Not Exist"));
                break;
            default:
                Respond(transaction, WithAllow(SipResponse.For(request, 501, "Not Implemented")));
                break;
        }
    }

    /// <summary>Checks every new request gets before routing: URI scheme (416) and Require (420).</summary>
    private static SipResponse? Precheck(SipRequest request)
    {
        if (request.RequestSipUri is null)
        {
            return SipResponse.For(request, 416, "Unsupported URI Scheme");
        }

        if (request.Method != SipMethod.Cancel)
        {
            var unsupported = request.Headers.GetList(SipHeaderNames.Require)
                .Where(tag => !SupportedExtensions.Contains(tag, StringComparer.OrdinalIgnoreCase)).ToList();
            if (unsupported.Count > 0)
            {
                var response = SipResponse.For(request, 420, "Bad Extension");
                response.Headers.Add(SipHeaderNames.Unsupported, string.Join(", ", unsupported));
                return response;
            }
        }

        return null;
    }

    internal void Respond(SipTransaction transaction, SipResponse response)
    {
        switch (transaction)
        {
            case InviteServerTransaction ist:
                ist.Respond(response);
                break;
            case NonInviteServerTransaction nist:
                nist.Respond(response);
                break;
        }
    }

    internal SipResponse WithAllow(SipResponse response)
    {
        response.Headers.Add(SipHeaderNames.Allow, SipMethod.Allowed);
        return response;
    }

    private SipResponse OptionsResponse(SipRequest request)
    {
        var response = WithAllow(SipResponse.For(request, 200, "OK", NewTag()));
        response.Headers.Add(SipHeaderNames.Accept, "application/sdp");
        response.Headers.Add(SipHeaderNames.Supported, "timer, outbound");
        response.Headers.Add(SipHeaderNames.Server, Options.UserAgent);
        return response;
    }

    private void OnRegister(ISipFlow flow, SipRequest request, SipTransaction transaction)
    {
        var agentId = _authenticator.Authenticate(request, flow.Remote.Address, proxy: false, out var rejection, out var delay);
        if (agentId is null)
        {
            RespondAfter(transaction, rejection!, delay);
            return;
        }

        OnAuthenticated(flow);
        var response = _registrar.Register(request, flow, agentId);
        if (response.StatusCode == 200)
        {
            foreach (var contact in request.Contacts)
            {
                LogRegistered(agentId, contact.UriText, flow.Remote);
            }
        }
        else if (response.StatusCode == 503 || response.ReasonPhrase == LimitReasonPhrases.TooManyContacts)
        {
            // Counted, logged at debug only: an agent retrying in a loop must not flood the log.
            Counters.RegistrationRefused();
            LogRegistrationRefused(agentId, Options.MaxRegistrationsPerAgent, flow.Remote);
        }

        Respond(transaction, response);
    }

    private void OnCancel(ISipFlow flow, SipRequest cancel, SipTransaction transaction)
    {
        // RFC 3261 §9.2: the CANCEL matches the INVITE's server transaction (same branch and sent-by).
        var inviteKey = SipTransaction.ServerKey(cancel).Replace("|" + SipMethod.Cancel, "|" + SipMethod.Invite, StringComparison.Ordinal);
        if (_incomingByInviteKey.TryGetValue(inviteKey, out var call))
        {
            if (!IsDialogPeer(call.Flow, call.AgentId, flow))
            {
                RefuseForeign(flow, cancel, transaction, call.AgentId);
                return;
            }

            Respond(transaction, SipResponse.For(cancel, 200, "OK"));
            call.OnCancel();
            return;
        }

        Respond(transaction, SipResponse.For(cancel, 481, "Call/Transaction Does Not Exist"));
    }

    private void OnAckRequest(ISipFlow flow, SipRequest ack)
    {
        if (Transactions.Find<InviteServerTransaction>(SipTransaction.ServerKey(ack)) is { HasFinalResponse: true } ist && ist.Flow.Id == flow.Id)
        {
            // ACK for a non-2xx final: absorbed by the INVITE server transaction (§17.2.1).
            ist.OnAck();
            return;
        }

        if (ack.To?.Tag is { } toTag
            && _dialogs.TryGetValue(SipDialog.KeyOf(ack.CallId!, toTag, ack.From?.Tag ?? string.Empty), out var dialog))
        {
            if (!IsDialogPeer(dialog.Flow, dialog.Owner.AgentId, flow))
            {
                // An ACK gets no answer (RFC 3261 §17); one from a stranger must not stop our 2xx retransmissions either.
                Counters.ForeignDialogRequestRefused();
                return;
            }

            dialog.Owner.OnAck(dialog, ack);
        }
    }

    /// <summary>
    /// Whether a request for a dialog (or a CANCEL for a call) may come from <paramref name="flow"/>: the dialog's own
    /// flow, or a flow the same agent has registered on. JsSIP and SIP.js reconnect on a new WebSocket and REGISTER
    /// there before the old connection is noticed dead, and their in-dialog requests then come on the new one.
    /// Anyone else (an unauthenticated connection, another agent) must not touch the dialog, however they learnt its
    /// Call-ID and tags (issue 17 item 4).
    /// </summary>
    private bool IsDialogPeer(ISipFlow dialogFlow, string agentId, ISipFlow flow) =>
        ReferenceEquals(dialogFlow, flow) || dialogFlow.Id == flow.Id ||
        _registrar.Store.GetBindings(agentId).Any(b => b.FlowId == flow.Id);

    /// <summary>
    /// 481, exactly what a dialog that does not exist gets (RFC 3261 §12.2.2, §9.2): a 403 would confirm to whoever
    /// sent it that the Call-ID and tags it tried are live, and 481 is also what JsSIP and SIP.js take as "this dialog
    /// is gone" and clean up on. Counted and logged at warning: an agent's own client does this only when it reconnected
    /// and sent an in-dialog request before registering again.
    /// </summary>
    private void RefuseForeign(ISipFlow flow, SipRequest request, SipTransaction transaction, string agentId)
    {
        Counters.ForeignDialogRequestRefused();
        LogForeignDialogRequest(request.Method, agentId, flow.Remote);
        Respond(transaction, SipResponse.For(request, 481, "Call/Transaction Does Not Exist"));
    }

    private void OnResponse(ISipFlow flow, SipResponse response)
    {
        var branch = response.TopVia?.Branch;
        var method = response.CSeq?.Method;
        if (branch is null || method is null)
        {
            return;
        }

        var key = SipTransaction.ClientKey(branch, method);
        if (Transactions.Find<SipTransaction>(key) is { } sent && sent.Flow.Id != flow.Id)
        {
            // A response comes back on the flow its request went out on (RFC 3261 §18.1.2); one arriving elsewhere
            // would let a stranger answer, or cancel, a call ringing at an agent.
            Counters.ForeignDialogRequestRefused();
            return;
        }

        if (Transactions.Find<InviteClientTransaction>(key) is { } ict)
        {
            ict.OnResponse(response);
            return;
        }

        if (Transactions.Find<NonInviteClientTransaction>(key) is { } nict)
        {
            nict.OnResponse(response);
            return;
        }

        if (method == SipMethod.Invite && response.IsSuccess && response.To?.Tag is { } toTag
            && _dialogs.TryGetValue(SipDialog.KeyOf(response.CallId!, response.From?.Tag ?? string.Empty, toTag), out var dialog)
            && dialog.Flow.Id == flow.Id)
        {
            dialog.Owner.OnRetransmitted2xx(dialog, response);
        }
    }

    internal void RegisterIncoming(string inviteKey, SipIncomingCall call) => _incomingByInviteKey[inviteKey] = call;

    /// <summary>Sends a request in a new client transaction; the callback gets every response (408 on timeout).</summary>
    internal SipTransaction SendRequest(ISipFlow flow, SipRequest request, Action<SipResponse> onResponse)
    {
        if (request.Method == SipMethod.Invite)
        {
            var ict = new InviteClientTransaction(Transactions, request, flow, onResponse);
            Transactions.Add(ict);
            ict.Start();
            return ict;
        }

        var nict = new NonInviteClientTransaction(Transactions, request, flow, onResponse);
        Transactions.Add(nict);
        nict.Start();
        return nict;
    }
}
