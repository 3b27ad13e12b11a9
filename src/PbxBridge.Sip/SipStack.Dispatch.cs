using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>The browser side as the core's transaction user: new requests get the checks every request gets, then
/// CANCEL and in-dialog requests are routed, then the out-of-dialog methods (REGISTER, OPTIONS, INVITE, and the ones
/// we refuse).</summary>
public sealed partial class SipStack
{
    /// <summary>Option tags we can honour in Require (RFC 3261 §8.2.2.3).</summary>
    private static readonly string[] SupportedExtensions = ["timer", "outbound", "path", "gruu", "ice", "replaces"];

    void ISipTransactionUser.OnRequest(ISipFlow flow, SipRequest request, SipTransaction transaction)
    {
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

        if (Core.RouteInDialog(flow, request, transaction, this))
        {
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

    internal void Respond(SipTransaction transaction, SipResponse response) => Core.Respond(transaction, response);

    /// <summary>RFC 4028 §6: a Session-Expires below our Min-SE gets 422 with Min-SE (false: answered); otherwise
    /// <paramref name="interval"/> becomes the requested one, if the request asks for one.</summary>
    internal bool AcceptSessionInterval(SipRequest request, SipTransaction transaction, ref int interval)
    {
        if (!SessionExpires.TryRead(request, out var requested))
        {
            return true;
        }

        if (requested < Options.MinSessionExpires)
        {
            var tooSmall = SipResponse.For(request, 422, "Session Interval Too Small");
            tooSmall.Headers.Add(SipHeaderNames.MinSe, Seconds(Options.MinSessionExpires));
            Respond(transaction, tooSmall);
            return false;
        }

        interval = requested;
        return true;
    }

    internal SipResponse WithAllow(SipResponse response)
    {
        response.Headers.Add(SipHeaderNames.Allow, SipMethod.Allowed);
        return response;
    }

    private SipResponse OptionsResponse(SipRequest request)
    {
        var response = WithAllow(SipResponse.For(request, 200, "OK", SipCore.NewTag()));
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
                Core.RefuseForeign(flow, cancel, transaction, call.AgentId);
                return;
            }

            Respond(transaction, SipResponse.For(cancel, 200, "OK"));
            call.OnCancel();
            return;
        }

        Respond(transaction, SipResponse.For(cancel, 481, "Call/Transaction Does Not Exist"));
    }

    /// <summary>
    /// Whether a request for a dialog (or a CANCEL for a call) may come from <paramref name="flow"/>: the dialog's own
    /// flow, or a flow the same agent has registered on. JsSIP and SIP.js reconnect on a new WebSocket and REGISTER
    /// there before the old connection is noticed dead, and their in-dialog requests then come on the new one.
    /// Anyone else (an unauthenticated connection, another agent) must not touch the dialog, however they learnt its
    /// Call-ID and tags (issue 17 item 4).
    /// </summary>
    bool ISipTransactionUser.IsDialogPeer(SipDialog dialog, ISipFlow flow) => IsDialogPeer(dialog.Flow, dialog.Owner.AgentId, flow);

    private bool IsDialogPeer(ISipFlow dialogFlow, string agentId, ISipFlow flow) =>
        ReferenceEquals(dialogFlow, flow) || dialogFlow.Id == flow.Id ||
        _registrar.Store.GetBindings(agentId).Any(b => b.FlowId == flow.Id);

    internal void RegisterIncoming(string inviteKey, SipIncomingCall call) => _incomingByInviteKey[inviteKey] = call;

    /// <summary>Sends a request in a new client transaction; the callback gets every response (408 on timeout).</summary>
    internal SipTransaction SendRequest(ISipFlow flow, SipRequest request, Action<SipResponse> onResponse) => Core.SendRequest(flow, request, onResponse);
}
