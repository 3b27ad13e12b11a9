using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>What both call roles share once a dialog exists: BYE, re-INVITE/UPDATE offers (hold/unhold), RFC 4028
/// refreshes, INFO DTMF, and ending exactly once.</summary>
public abstract partial class SipCall : ISipDialogOwner
{
    private int _ended;

    private protected SipCall(SipStack stack, ISipFlow flow, string callId, string agentId)
    {
        Stack = stack;
        Flow = flow;
        CallId = callId;
        AgentId = agentId;
    }

    public string CallId { get; }

    public string AgentId { get; }

    /// <summary>Called (on a stack thread) for an offer in a re-INVITE or UPDATE: return the answer or a failure.
    /// Without a handler such offers get 488.</summary>
    public Func<string, SipReofferResult>? ReofferHandler { get; set; }

    /// <summary>A key pressed, from INFO with application/dtmf-relay or application/dtmf.</summary>
    public event Action<char, TimeSpan>? DtmfInfo;

    /// <summary>Raised once when the call ends for a reason other than our own Hangup/Reject/Cancel.</summary>
    public event Action<SipCallEnd>? Ended;

    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    internal ISipFlow Flow { get; private protected set; }

    private protected SipStack Stack { get; }

    private protected SipDialog? Dialog { get; set; }

    /// <summary>Our latest SDP, offered again when a re-INVITE comes without an offer.</summary>
    private protected string? LocalSdp { get; set; }

    /// <summary>Sends BYE (after 200) and ends the call without raising <see cref="Ended"/>.</summary>
    public abstract void Hangup();

    /// <summary>Ends the call once: the dialog goes, and <see cref="Ended"/> is raised when <paramref name="end"/> is given.</summary>
    private protected bool Finish(SipCallEnd? end)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }

        Dialog?.Terminate();
        StopReoffer();
        OnFinished();
        if (end is not null)
        {
            Stack.Post(() => Ended?.Invoke(end));
        }

        return true;
    }

    private protected virtual void OnFinished()
    {
    }

    private protected void SendBye(string? reason = null)
    {
        if (Dialog is not { IsTerminated: false } dialog || !Flow.IsOpen)
        {
            return;
        }

        var bye = dialog.CreateRequest(SipMethod.Bye);
        if (reason is not null)
        {
            bye.Headers.Add(SipHeaderNames.Reason, reason);
        }

        Stack.SendRequest(Flow, bye, _ => { });
    }

    void ISipDialogOwner.OnInDialogRequest(SipDialog dialog, SipRequest request, SipTransaction transaction)
    {
        switch (request.Method)
        {
            case SipMethod.Bye:
                Stack.Respond(transaction, SipResponse.For(request, 200, "OK"));
                Finish(new SipCallEnd(SipCallEndReason.RemoteBye, request.Headers.Get(SipHeaderNames.Reason)));
                break;
            case SipMethod.Invite or SipMethod.Update:
                OnOfferOrRefresh(dialog, request, transaction);
                break;
            case SipMethod.Info:
                OnInfo(request, transaction);
                break;
            case SipMethod.Options:
                Stack.Respond(transaction, Stack.WithAllow(SipResponse.For(request, 200, "OK")));
                break;
            case SipMethod.Refer:
                OnRefer(dialog, request, transaction);
                break;
            case SipMethod.Message or SipMethod.Notify or SipMethod.Prack:
                Stack.Respond(transaction, Stack.WithAllow(SipResponse.For(request, 405, "Method Not Allowed")));
                break;
            default:
                Stack.Respond(transaction, Stack.WithAllow(SipResponse.For(request, 501, "Not Implemented")));
                break;
        }
    }

    private void OnOfferOrRefresh(SipDialog dialog, SipRequest request, SipTransaction transaction)
    {
        var interval = dialog.SessionInterval;
        if (!Stack.AcceptSessionInterval(request, transaction, ref interval))
        {
            return;
        }

        if (ReofferPending && (request.Method == SipMethod.Invite || request.Body.Length > 0))
        {
            // RFC 3261 §14.2 (RFC 3311 §5.2 for UPDATE): an offer of theirs while ours is pending is glare.
            Stack.Respond(transaction, SipResponse.For(request, 491, "Request Pending"));
            return;
        }

        string? answer;
        if (request.Body.Length > 0)
        {
            var result = ReofferHandler?.Invoke(request.BodyText) ?? SipReofferResult.Fail(488, "Not Acceptable Here");
            if (result.AnswerSdp is null)
            {
                Stack.Respond(transaction, SipResponse.For(request, result.StatusCode, result.ReasonPhrase));
                return;
            }

            answer = LocalSdp = result.AnswerSdp;
        }
        else
        {
            // An UPDATE without a body is a pure session refresh; a re-INVITE without one wants our offer.
            answer = request.Method == SipMethod.Invite ? LocalSdp : null;
        }

        dialog.RefreshTarget(request);
        var ok = SipResponse.For(request, 200, "OK");
        ok.Headers.Add(SipHeaderNames.Contact, Stack.ContactFor(Flow));
        if (interval > 0)
        {
            // The peer that sent the refresh stays the refresher (JsSIP keeps refreshing with UPDATE).
            dialog.ArmSessionTimer(interval);
            ok.Headers.Add(SipHeaderNames.SessionExpires, dialog.SessionExpiresHeader("uac"));
            ok.Headers.Add(SipHeaderNames.Require, "timer");
        }

        if (answer is not null)
        {
            ok.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            ok.BodyText = answer;
        }

        Stack.Respond(transaction, ok);
    }

    private void OnInfo(SipRequest request, SipTransaction transaction)
    {
        if (request.Body.Length == 0)
        {
            Stack.Respond(transaction, SipResponse.For(request, 200, "OK"));
            return;
        }

        if (!SipDtmfInfo.IsDtmfContentType(request.ContentType))
        {
            var unsupported = SipResponse.For(request, 415, "Unsupported Media Type");
            unsupported.Headers.Add(SipHeaderNames.Accept, "application/dtmf-relay, application/dtmf");
            Stack.Respond(transaction, unsupported);
            return;
        }

        if (!SipDtmfInfo.TryParse(request.ContentType, request.BodyText, out var digit, out var duration))
        {
            Stack.Respond(transaction, SipResponse.For(request, 400, "Bad DTMF Body"));
            return;
        }

        Stack.Respond(transaction, SipResponse.For(request, 200, "OK"));
        Stack.Post(() => DtmfInfo?.Invoke(digit, duration));
    }

    void ISipDialogOwner.OnAck(SipDialog dialog, SipRequest ack)
    {
        OnAck(ack);

        // The initial INVITE is over once its 2xx is acknowledged: a re-INVITE of ours asked for meanwhile may go.
        TrySendReoffer();
    }

    private protected virtual void OnAck(SipRequest ack)
    {
    }

    void ISipDialogOwner.OnRetransmitted2xx(SipDialog dialog, SipResponse response)
    {
        if (!ReacknowledgeReoffer(dialog, response))
        {
            OnRetransmitted2xx(dialog, response);
        }
    }

    private protected virtual void OnRetransmitted2xx(SipDialog dialog, SipResponse response)
    {
    }

    void ISipDialogOwner.OnFlowClosed(SipDialog dialog) => Finish(new SipCallEnd(SipCallEndReason.TransportClosed));

    /// <summary>Raised (on a stack thread) when the agent's side of the call moved to a new connection: it reconnected.</summary>
    public event Action? Reconnected;

    void ISipDialogOwner.OnFlowMoved(SipDialog dialog, ISipFlow previous)
    {
        Flow = dialog.Flow;
        Stack.Post(() => Reconnected?.Invoke());
    }

    void ISipDialogOwner.OnSessionExpired(SipDialog dialog)
    {
        SendBye("SIP;cause=408;text=\"Session Timer Expired\"");
        Finish(new SipCallEnd(SipCallEndReason.SessionExpired));
    }
}
