using System.Globalization;
using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Registrar;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>A call from a browser (the UAS side of the B2BUA). Methods may be called from any thread; each acts
/// once in the state where it makes sense (a second Accept or a Reject after Accept does nothing).</summary>
public sealed class SipIncomingCall : SipCall
{
    private readonly InviteServerTransaction _invite;
    private readonly SipRequest _request;
    private readonly int _sessionInterval;
    private readonly bool _peerSupportsTimer;
    private State _state = State.Early;
    private SipAnswerRetransmission? _answerRetransmission;

    private SipIncomingCall(SipStack stack, ISipFlow flow, SipRequest request, InviteServerTransaction invite, string agentId, string destination, int sessionInterval)
        : base(stack, flow, request.CallId!, agentId)
    {
        _request = request;
        _invite = invite;
        _sessionInterval = sessionInterval;
        _peerSupportsTimer = request.Headers.GetList(SipHeaderNames.Supported).Contains("timer", StringComparer.OrdinalIgnoreCase);
        Destination = destination;
        OfferSdp = request.BodyText;
        LocalTag = SipCore.NewTag();
    }

    private enum State
    {
        Early,
        Accepted,
        Confirmed,
        Done,
    }

    /// <summary>The Request-URI user the browser dialed (e.g. "600").</summary>
    public string Destination { get; }

    public string OfferSdp { get; }

    internal string LocalTag { get; }

    /// <summary>Validates and authenticates a new INVITE (by the flow the agent registered on, else by digest with
    /// 407), then hands the call to the handler.</summary>
    internal static void Begin(SipStack stack, ISipFlow flow, SipRequest request, InviteServerTransaction invite,
        SipRequestAuthenticator authenticator, IRegistrationStore registrations)
    {
        stack.Respond(invite, SipResponse.For(request, 100, "Trying"));

        if (request.Body.Length == 0 || !string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            var unsupported = SipResponse.For(request, request.Body.Length == 0 ? 488 : 415,
                request.Body.Length == 0 ? "SDP Offer Required" : "Unsupported Media Type");
            unsupported.Headers.Add(SipHeaderNames.Accept, "application/sdp");
            stack.Respond(invite, unsupported);
            return;
        }

        var interval = 0;
        if (!stack.AcceptSessionInterval(request, invite, ref interval))
        {
            return;
        }

        var fromUser = request.From?.Uri?.User;
        var agentId = fromUser is not null && registrations.GetBindings(fromUser).Any(b => b.FlowId == flow.Id)
            ? fromUser
            : authenticator.Authenticate(request, flow.Remote.Address, proxy: true, out var rejection, out var delay) ?? Reject(stack, invite, rejection!, delay);
        if (agentId is null)
        {
            return;
        }

        SipStack.OnAuthenticated(flow);
        var destination = request.RequestSipUri?.User;
        var contact = request.Contacts.FirstOrDefault();
        if (destination is null || contact is null)
        {
            stack.Respond(invite, SipResponse.For(request, destination is null ? 404 : 400, destination is null ? "Not Found" : "Missing Contact"));
            return;
        }

        var call = new SipIncomingCall(stack, flow, request, invite, agentId, destination, interval);
        var localHeader = request.Headers.Get(SipHeaderNames.To)!.TrimEnd() + ";tag=" + call.LocalTag;
        call.Dialog = new SipDialog(stack.Core, flow, call, request.CallId!, call.LocalTag, request.From!.Tag ?? string.Empty, localHeader,
            request.Headers.Get(SipHeaderNames.From)!, contact.UriText, request.Headers.GetList(SipHeaderNames.RecordRoute), 0, request.CSeq!.Value.Number,
            stack.ContactFor(flow));
        stack.Core.AddDialog(call.Dialog);
        stack.RegisterIncoming(invite.Key, call);
        stack.PostIncomingCall(call);
    }

    private static string? Reject(SipStack stack, InviteServerTransaction invite, SipResponse rejection, TimeSpan delay)
    {
        stack.RespondAfter(invite, rejection, delay);
        return null;
    }

    /// <summary>180 Ringing.</summary>
    public void SendRinging() => Stack.Execute(() =>
    {
        if (_state == State.Early)
        {
            Stack.Respond(_invite, Response(180, "Ringing"));
        }
    });

    /// <summary>183 Session Progress with SDP (early media).</summary>
    public void SendSessionProgress(string answerSdp) => Stack.Execute(() =>
    {
        if (_state == State.Early)
        {
            LocalSdp = answerSdp;
            Stack.Respond(_invite, Response(183, "Session Progress", answerSdp));
        }
    });

    /// <summary>200 OK with our answer; retransmitted until the ACK on unreliable transports, and the call ends
    /// (AckTimeout) when no ACK comes within 64*T1.</summary>
    public void Accept(string answerSdp) => Stack.Execute(() =>
    {
        if (_state != State.Early || IsEnded)
        {
            return;
        }

        LocalSdp = answerSdp;
        var ok = Response(200, "OK", answerSdp);
        if (_sessionInterval > 0)
        {
            Dialog!.ArmSessionTimer(_sessionInterval);
            ok.Headers.Add(SipHeaderNames.SessionExpires, Dialog.SessionExpiresHeader("uac"));
            if (_peerSupportsTimer)
            {
                ok.Headers.Add(SipHeaderNames.Require, "timer");
            }
        }

        _state = State.Accepted;
        Stack.ForgetIncoming(_invite.Key);
        Stack.Respond(_invite, ok);
        _answerRetransmission = SipAnswerRetransmission.Start(Stack.Core, Flow, ok, () =>
        {
            SendBye("SIP;cause=408;text=\"ACK Timeout\"");
            Finish(new SipCallEnd(SipCallEndReason.AckTimeout));
        });
    });

    /// <summary>A final failure, with an RFC 3326 Reason header when <paramref name="q850Reason"/> is given: either a
    /// full value ("Q.850;cause=17;text=\"User busy\"") or just the cause number ("17"), and a Retry-After (RFC 3261
    /// §20.33) when <paramref name="retryAfter"/> is given (a 503 for a limit says when to try again).</summary>
    public void Reject(int statusCode, string reasonPhrase, string? q850Reason = null, TimeSpan? retryAfter = null) => Stack.Execute(() =>
    {
        if (_state != State.Early || IsEnded || statusCode < 300 || statusCode > 699)
        {
            return;
        }

        var response = Response(statusCode, reasonPhrase);
        if (retryAfter is { } wait)
        {
            response.Headers.Add(SipHeaderNames.RetryAfter, SipStack.Seconds(Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))));
        }

        if (q850Reason is not null)
        {
            response.Headers.Add(SipHeaderNames.Reason, q850Reason.All(char.IsAsciiDigit)
                ? "Q.850;cause=" + q850Reason + ";text=\"" + reasonPhrase.Replace("\"", string.Empty, StringComparison.Ordinal) + "\""
                : q850Reason);
        }

        _state = State.Done;
        Stack.Respond(_invite, response);
        Finish(null);
    });

    /// <summary>BYE after 200; before that, the same as Reject(480).</summary>
    public override void Hangup() => Stack.Execute(() =>
    {
        switch (_state)
        {
            case State.Early:
                Reject(480, "Temporarily Unavailable");
                break;
            case State.Accepted or State.Confirmed:
                _state = State.Done;
                SendBye();
                Finish(null);
                break;
        }
    });

    internal void OnCancel()
    {
        if (_state != State.Early)
        {
            return;
        }

        _state = State.Done;
        Stack.Respond(_invite, Response(487, "Request Terminated"));
        Finish(new SipCallEnd(SipCallEndReason.Cancelled));
    }

    private protected override bool DialogConfirmed => _state == State.Confirmed;

    // The browser sent the INVITE: it chose the Call-ID.
    private protected override bool OwnsCallId => false;

    private protected override void OnAck(SipRequest ack)
    {
        if (_state == State.Accepted && ack.CSeq?.Number == _request.CSeq?.Number)
        {
            _state = State.Confirmed;
            StopAckTimers();
        }
    }

    private protected override void OnFinished()
    {
        _state = State.Done;
        StopAckTimers();
        Stack.ForgetIncoming(_invite.Key);
        if (!_invite.IsTerminated && !_invite.HasFinalResponse)
        {
            // The flow died or the handler never answered: the INVITE transaction goes with the call.
            _invite.Terminate();
        }
    }

    private void StopAckTimers()
    {
        _answerRetransmission?.Stop();
        _answerRetransmission = null;
    }

    private SipResponse Response(int code, string phrase, string? sdp = null)
    {
        var response = SipResponse.For(_request, code, phrase, LocalTag);
        if (code < 300)
        {
            response.Headers.Add(SipHeaderNames.Contact, Stack.ContactFor(Flow));
            response.Headers.Add(SipHeaderNames.Allow, SipMethod.Allowed);
            response.Headers.Add(SipHeaderNames.Supported, "timer");
        }

        if (sdp is not null)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.BodyText = sdp;
        }

        return response;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SipIncomingCall {CallId} {AgentId}->{Destination} {_state}");
}
