using System.Net;
using PbxBridge.Sip;
using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Sdp;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// One INVITE session with FreeSWITCH, either side: as UAC (our INVITE to the pbxbridge profile) or as UAS
/// (FreeSWITCH's INVITE for agent-&lt;id&gt;). An adapter from the Sip room's core (transactions, dialog, 2xx
/// retransmission) to the FreeSWITCH leg: it builds the PCMU SDP, answers re-INVITEs (RFC 3264 §6.1 directions, hold
/// reported to the observer), and reports progress to <see cref="ISipUdpCallObserver"/> after the core's lock is
/// released. Every method may be called from any thread.
/// </summary>
internal sealed class SipUdpCall : ISipDialogOwner, ISipReInviteOwner
{
    private readonly SipUdpAgent _agent;
    private readonly SipCore _core;
    private readonly SipRequest _invite;
    private readonly TaskCompletionSource _inviteDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile State _state = State.Early;
    private InviteServerTransaction? _serverTransaction;
    private InviteClientTransaction? _clientTransaction;
    private SipAnswerRetransmission? _answerRetransmission;
    private uint _answerCSeq;
    private SipTimer? _cancelTimer;
    private SipDialog? _dialog;
    private IPEndPoint? _localRtp;
    private int? _telephoneEvent = PcmuSdp.TelephoneEventPayloadType;
    private string? _localSdp;
    private MediaDirection _localDirection = MediaDirection.SendRecv;
    private long _sdpVersion;
    private bool _provisional;
    private bool _cancelPending;
    private string? _cancelReason;
    private bool _remoteHold;
    private volatile bool _localHold;
    private readonly SipReInviteClient _reInvite;
    private readonly List<TaskCompletionSource<int>> _reInviteWaiting = [];
    private readonly List<TaskCompletionSource<int>> _reInviteSent = [];

    private SipUdpCall(SipUdpAgent agent, SipRequest invite, string agentId, bool isUas, ISipUdpCallObserver observer)
    {
        _agent = agent;
        _core = agent.Core;
        _invite = invite;
        AgentId = agentId;
        IsUas = isUas;
        Observer = observer;
        SessionId = Random.Shared.NextInt64(100_000, 999_999_999);
        _sdpVersion = SessionId;
        _reInvite = new SipReInviteClient(_core, this, SipUdpAgent.Allow, ownsCallId: !isUas);
    }

    private enum State
    {
        /// <summary>No final response yet.</summary>
        Early,

        /// <summary>UAS: our 2xx went out, its ACK has not come.</summary>
        Answered,
        Confirmed,
        Ended,
    }

    public string CallId => _invite.CallId!;

    /// <summary>The agent this leg belongs to (in logs of requests refused for its dialog).</summary>
    public string AgentId { get; }

    public bool IsUas { get; }

    public ISipUdpCallObserver Observer { get; set; }

    public long SessionId { get; }

    /// <summary>The SDP FreeSWITCH sent (INVITE offer as UAS, 18x/2xx answer as UAC, re-INVITE offers), latest first.</summary>
    public string? RemoteSdp { get; private set; }

    public bool IsConfirmed => _state == State.Confirmed;

    /// <summary>UAS: a final response (200 or a failure) went out for the INVITE.</summary>
    public bool HasSentFinalResponse => _serverTransaction?.HasFinalResponse == true;

    public bool IsEnded => _state == State.Ended;

    /// <summary>Our last re-INVITE put FreeSWITCH on hold (a=sendonly) and no resume followed.</summary>
    public bool IsHeldByUs => _localHold;

    /// <summary>UAS: wraps FreeSWITCH's initial INVITE and answers 100 Trying at once. Call inside the core's section
    /// (the agent's <see cref="SipUdpAgent.IncomingInvite"/>).</summary>
    public static SipUdpCall Accept(SipUdpAgent agent, SipRequest invite, InviteServerTransaction transaction, string agentId, ISipUdpCallObserver observer)
    {
        var call = new SipUdpCall(agent, invite, agentId, isUas: true, observer) { _serverTransaction = transaction, RemoteSdp = invite.BodyText };
        var localTag = SipCore.NewTag();
        var to = invite.Headers.Get(SipHeaderNames.To)!.TrimEnd();
        var contact = invite.Contacts.FirstOrDefault()?.UriText ?? "sip:" + transaction.Flow.Remote;
        call._dialog = new SipDialog(agent.Core, transaction.Flow, call, invite.CallId!, localTag, invite.From?.Tag ?? string.Empty,
            to + ";tag=" + localTag, invite.Headers.Get(SipHeaderNames.From)!, contact, invite.Headers.GetList(SipHeaderNames.RecordRoute),
            0, invite.CSeq!.Value.Number, agent.ContactFor(to));
        agent.Core.AddDialog(call._dialog);
        agent.TrackInvite(call);
        agent.Respond(transaction, SipResponse.For(invite, 100, "Trying"));
        return call;
    }

    /// <summary>UAC: a new INVITE toward FreeSWITCH (sent by <see cref="Start"/>); <paramref name="extraHeaders"/> carry X-PbxBridge-*.</summary>
    public static SipUdpCall Invite(SipUdpAgent agent, string agentId, string requestUri, string fromAddress, string toAddress, IPEndPoint localRtp,
        IReadOnlyList<KeyValuePair<string, string>> extraHeaders, ISipUdpCallObserver observer)
    {
        var invite = new SipRequest(SipMethod.Invite, requestUri);
        invite.Headers.Add(SipHeaderNames.Via, agent.Core.ViaFor(agent.FreeSwitchFlow, SipCore.NewBranch()));
        invite.Headers.Add(SipHeaderNames.MaxForwards, "70");
        invite.Headers.Add(SipHeaderNames.From, fromAddress + ";tag=" + SipCore.NewTag());
        invite.Headers.Add(SipHeaderNames.To, toAddress);
        invite.Headers.Add(SipHeaderNames.CallId, SipCore.NewCallId() + "@pbxbridge");
        invite.Headers.Add(SipHeaderNames.CSeq, new CSeq(1, SipMethod.Invite).ToString());
        invite.Headers.Add(SipHeaderNames.Contact, agent.ContactFor(fromAddress));
        invite.Headers.Add(SipHeaderNames.Allow, SipUdpAgent.Allow);
        foreach (var header in extraHeaders)
        {
            invite.Headers.Add(header.Key, header.Value);
        }

        var call = new SipUdpCall(agent, invite, agentId, isUas: false, observer) { _localRtp = localRtp };
        call._localSdp = PcmuSdp.Build(localRtp, call.SessionId, call._sdpVersion);
        invite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        invite.BodyText = call._localSdp;
        return call;
    }

    /// <summary>UAC: sends the INVITE. Separate from <see cref="Invite"/> so the owner is fully wired before any response.</summary>
    public void Start() => _core.Execute(() =>
        _clientTransaction = (InviteClientTransaction)_core.SendRequest(_agent.FreeSwitchFlow, _invite, OnInviteResponse));

    /// <summary>UAS: 180 Ringing (or 183) before the answer.</summary>
    public void SendProvisional(int status, string reason) => _core.Execute(() =>
    {
        if (_state == State.Early)
        {
            _agent.Respond(_serverTransaction!, Response(status, reason, null));
        }
    });

    /// <summary>UAS: 200 OK with our SDP, retransmitted until FreeSWITCH's ACK (RFC 3261 §13.3.1.4); without an ACK
    /// within 64*T1 the call ends with BYE and <see cref="ISipUdpCallObserver.OnFailed"/>.</summary>
    public void Answer(IPEndPoint localRtp) => _core.Execute(() =>
    {
        if (_state != State.Early)
        {
            throw new InvalidOperationException("the INVITE was already answered or ended");
        }

        _localRtp = localRtp;
        _telephoneEvent = PcmuSdp.TelephoneEventPayloadTypeOf(RemoteSdp);
        _localSdp = PcmuSdp.Build(localRtp, SessionId, _sdpVersion, telephoneEvent: _telephoneEvent);
        var ok = Response(200, "OK", _localSdp);
        _state = State.Answered;
        _agent.ForgetInvite(this);
        _agent.Respond(_serverTransaction!, ok);
        RetransmitAnswer(ok, _invite.CSeq!.Value.Number, () =>
        {
            var failed = SipResponse.For(_invite, 408, "ACK Timeout");
            SendBye("Q.850;cause=41;text=\"NORMAL_TEMPORARY_FAILURE\"");
            Finish();
            _core.Post(() => Observer.OnFailed(failed));
        });
    });

    /// <summary>UAS: a final failure (480, 486, 603 ...) with a Q.850 Reason header (RFC 3326).</summary>
    public void Reject(int status, string reasonPhrase, string? reasonHeader) => _core.Execute(() =>
    {
        if (_state != State.Early)
        {
            return;
        }

        _agent.Respond(_serverTransaction!, Response(status, reasonPhrase, null, reasonHeader));
        Finish();
    });

    /// <summary>Ends the call from our side: CANCEL before a final response (UAC), a final failure (UAS), BYE once
    /// answered. Completes when the peer has answered the CANCEL's INVITE or the BYE (or gave up on it).</summary>
    public Task HangupAsync(string? reasonHeader, CancellationToken cancellationToken)
    {
        var done = Task.CompletedTask;
        _core.Execute(() => done = Hangup(reasonHeader));
        return done.WaitAsync(cancellationToken);
    }

    public bool IsInviteBranch(string? branch) => branch is not null && branch == _invite.TopVia?.Branch;

    /// <summary>
    /// Our hold (<paramref name="held"/>) or resume, as a SIP phone puts FreeSWITCH on hold (RFC 3264 §8.4): a
    /// re-INVITE offering a=sendonly, then a=sendrecv again, through the Sip core's <see cref="SipReInviteClient"/>
    /// (one at a time; 491 when FreeSWITCH's own re-INVITE crossed ours is retried after the §14.1 timer). sofia answers
    /// a sendonly offer by playing the bridged far party's hold music itself, for legs in either direction (uuid_hold
    /// on a leg FreeSWITCH originated plays none, see pbx-config/freeswitch/README.md). Completes with the final status.
    /// </summary>
    public Task<int> ReInviteAsync(bool held, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _core.Execute(() =>
        {
            if (((ISipReInviteOwner)this).ReInviteDialog is null)
            {
                done.TrySetResult(481);
                return;
            }

            _localHold = held;
            _reInviteWaiting.Add(done);
            _reInvite.Request();
        });
        return done.Task.WaitAsync(cancellationToken);
    }

    SipDialog? ISipReInviteOwner.ReInviteDialog =>
        _state == State.Confirmed && _dialog is { IsTerminated: false } dialog && _localRtp is not null ? dialog : null;

    /// <summary>The offer for our hold as it is when the re-INVITE goes; every hold or resume asked for so far gets its outcome.</summary>
    string? ISipReInviteOwner.CreateOffer()
    {
        _reInviteSent.AddRange(_reInviteWaiting);
        _reInviteWaiting.Clear();
        _localDirection = _localHold ? MediaDirection.SendOnly : MediaDirection.SendRecv;
        return _localSdp = PcmuSdp.Build(_localRtp!, SessionId, ++_sdpVersion, _localDirection, _telephoneEvent);
    }

    void ISipReInviteOwner.OnReInviteFinal(SipResponse response)
    {
        if (response.IsSuccess && !string.IsNullOrEmpty(response.BodyText))
        {
            RemoteSdp = response.BodyText;
        }

        CompleteReInvites(_reInviteSent, response.StatusCode);
    }

    private static void CompleteReInvites(List<TaskCompletionSource<int>> waiters, int status)
    {
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(status);
        }

        waiters.Clear();
    }

    /// <summary>UAS: FreeSWITCH cancelled its INVITE (the CANCEL itself got 200 from the agent).</summary>
    public void OnCancel(SipRequest cancel)
    {
        if (_state != State.Early)
        {
            return;
        }

        _agent.Respond(_serverTransaction!, Response(487, "Request Terminated", null));
        Finish();
        _core.Post(() => Observer.OnRemoteEnded(cancel));
    }

    /// <summary>UAS: the INVITE came again after our 2xx ended its transaction; the 2xx answers it again.</summary>
    public void OnInviteRetransmitted(SipRequest invite)
    {
        if (_state == State.Answered && invite.CSeq == _invite.CSeq)
        {
            _answerRetransmission?.SendNow();
        }
    }

    private Task Hangup(string? reasonHeader)
    {
        var state = _state;
        if (state == State.Ended)
        {
            return Task.CompletedTask;
        }

        if (state is State.Answered or State.Confirmed)
        {
            var bye = SendBye(reasonHeader);
            Finish();
            return bye;
        }

        if (IsUas)
        {
            _agent.Respond(_serverTransaction!, Response(480, "Temporarily Unavailable", null, reasonHeader));
            Finish();
            return Task.CompletedTask;
        }

        // UAC before the final response: CANCEL (RFC 3261 §9.1), once FreeSWITCH has sent a provisional response.
        _state = State.Ended;
        _cancelReason = reasonHeader;
        if (_provisional)
        {
            SendCancel();
        }
        else
        {
            _cancelPending = true;
        }

        return _inviteDone.Task;
    }

    private void SendCancel()
    {
        var cancel = _clientTransaction!.CreateCancel();
        AddReason(cancel, _cancelReason);
        _core.SendRequest(_agent.FreeSwitchFlow, cancel, _ => { });

        // The INVITE now ends with 487 (ACKed by its transaction); if that never comes, give up after 64*T1 (§9.1).
        _cancelTimer = _core.Timers.Start("Timer B (CANCEL)", _core.Timers.Values.TimerB, () =>
        {
            _cancelTimer = null;
            _clientTransaction.Terminate();
            _inviteDone.TrySetResult();
        });
    }

    private void OnInviteResponse(SipResponse response)
    {
        if (response.IsProvisional)
        {
            _provisional = true;
            if (_cancelPending)
            {
                _cancelPending = false;
                SendCancel();
            }

            if (response.StatusCode > 100 && _state == State.Early)
            {
                if (!string.IsNullOrEmpty(response.BodyText))
                {
                    RemoteSdp = response.BodyText;
                }

                _core.Post(() => Observer.OnProvisional(response));
            }

            return;
        }

        _cancelTimer?.Stop();
        _cancelTimer = null;
        if (response.IsSuccess)
        {
            OnInviteAccepted(response);
            return;
        }

        // A failure (its ACK went with the transaction) or Timer B's 408.
        var ours = _state == State.Ended;
        Finish();
        _inviteDone.TrySetResult();
        if (!ours)
        {
            _core.Post(() => Observer.OnFailed(response));
        }
    }

    private void OnInviteAccepted(SipResponse ok)
    {
        var routes = ok.Headers.GetList(SipHeaderNames.RecordRoute);
        routes.Reverse();
        _dialog = new SipDialog(_core, _agent.FreeSwitchFlow, this, CallId, _invite.From!.Tag!, ok.To?.Tag ?? string.Empty,
            _invite.Headers.Get(SipHeaderNames.From)!, ok.Headers.Get(SipHeaderNames.To)!, ok.Contacts.FirstOrDefault()?.UriText ?? _invite.RequestUri,
            routes, _invite.CSeq!.Value.Number, null, _agent.ContactFor(_invite.Headers.Get(SipHeaderNames.From)!));
        _core.AddDialog(_dialog);
        _core.Send(_agent.FreeSwitchFlow, _dialog.CreateAck(_invite.CSeq!.Value.Number));
        if (!string.IsNullOrEmpty(ok.BodyText))
        {
            RemoteSdp = ok.BodyText;
        }

        _inviteDone.TrySetResult();
        if (_state == State.Ended)
        {
            // We hung up (CANCEL) but the 200 crossed it: end the session we just confirmed (§9.1).
            SendBye("Q.850;cause=16;text=\"NORMAL_CLEARING\"");
            Finish();
            return;
        }

        _state = State.Confirmed;
        _core.Post(() => Observer.OnConfirmed(ok));
    }

    private Task SendBye(string? reasonHeader)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_dialog is not { IsTerminated: false } dialog)
        {
            sent.TrySetResult();
            return sent.Task;
        }

        var bye = dialog.CreateRequest(SipMethod.Bye);
        AddReason(bye, reasonHeader);
        _core.SendRequest(dialog.Flow, bye, r =>
        {
            if (!r.IsProvisional)
            {
                sent.TrySetResult();
            }
        });
        return sent.Task;
    }

    /// <summary>The session is over on our side: no more retransmissions, the dialog goes (a retransmitted BYE is
    /// still answered by its server transaction).</summary>
    private void Finish()
    {
        _state = State.Ended;
        _answerRetransmission?.Stop();
        _answerRetransmission = null;
        _cancelTimer?.Stop();
        _cancelTimer = null;
        _dialog?.Terminate();
        _reInvite.Stop();
        CompleteReInvites(_reInviteWaiting, 481);
        CompleteReInvites(_reInviteSent, 481);
        _agent.ForgetInvite(this);
    }

    private void RetransmitAnswer(SipResponse ok, uint cseq, Action onAckTimeout)
    {
        _answerRetransmission?.Stop();
        _answerCSeq = cseq;
        _answerRetransmission = SipAnswerRetransmission.Start(_core, _dialog!.Flow, ok, onAckTimeout);
    }

    void ISipDialogOwner.OnInDialogRequest(SipDialog dialog, SipRequest request, SipTransaction transaction)
    {
        switch (request.Method)
        {
            case SipMethod.Bye:
                _agent.Respond(transaction, SipResponse.For(request, 200, "OK"));
                if (_state != State.Ended)
                {
                    Finish();
                    _core.Post(() => Observer.OnRemoteEnded(request));
                }

                break;
            case SipMethod.Invite:
                OnReInvite(request, transaction);
                break;
            default:
                // OPTIONS, INFO, UPDATE without SDP changes: acknowledge so FreeSWITCH keeps the call.
                _agent.Respond(transaction, SipResponse.For(request, 200, "OK"));
                break;
        }
    }

    /// <summary>
    /// Hold/unhold or a session refresh from FreeSWITCH: the answer mirrors the offer's direction (RFC 3264 §6.1:
    /// sendonly gets recvonly, inactive gets inactive; §8.4 is how a peer puts a stream on hold), with a new SDP version
    /// only when it changed (§8). A change of hold is reported once to the observer.
    /// </summary>
    private void OnReInvite(SipRequest reInvite, SipTransaction transaction)
    {
        _dialog!.RefreshTarget(reInvite);
        var held = _remoteHold;
        if (!string.IsNullOrEmpty(reInvite.BodyText))
        {
            RemoteSdp = reInvite.BodyText;
            if (PcmuSdp.TryParse(reInvite.BodyText, out _, out _, out var offered))
            {
                var answer = SdpDirection.Answer(offered, holding: _localHold);
                held = offered is MediaDirection.SendOnly or MediaDirection.Inactive;
                if (answer != _localDirection && _localRtp is not null)
                {
                    _localDirection = answer;
                    _localSdp = PcmuSdp.Build(_localRtp, SessionId, ++_sdpVersion, answer, _telephoneEvent);
                }
            }
        }

        var ok = SipResponse.For(reInvite, 200, "OK");
        ok.Headers.Add(SipHeaderNames.Contact, _agent.ContactFor(_dialog.LocalHeader));
        ok.Headers.Add(SipHeaderNames.Allow, SipUdpAgent.Allow);
        if (_localSdp is not null)
        {
            ok.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            ok.BodyText = _localSdp;
        }

        _agent.Respond(transaction, ok);

        // A re-INVITE's 2xx is retransmitted until its ACK like the first one's; a lost ACK here ends nothing.
        RetransmitAnswer(ok, reInvite.CSeq!.Value.Number, () => { });
        if (held != _remoteHold)
        {
            _remoteHold = held;
            _core.Post(() => Observer.OnRemoteHold(held));
        }
    }

    void ISipDialogOwner.OnAck(SipDialog dialog, SipRequest ack)
    {
        if (ack.CSeq?.Number != _answerCSeq || _answerRetransmission is null)
        {
            return;
        }

        _answerRetransmission.Stop();
        _answerRetransmission = null;
        if (_state == State.Answered)
        {
            _state = State.Confirmed;
            _core.Post(() => Observer.OnConfirmed(ack));
        }
    }

    /// <summary>§13.2.2.4: every retransmitted 2xx of our INVITE or re-INVITE gets the ACK again.</summary>
    void ISipDialogOwner.OnRetransmitted2xx(SipDialog dialog, SipResponse response)
    {
        if (!_reInvite.Reacknowledge(dialog, response))
        {
            _core.Send(dialog.Flow, dialog.CreateAck(response.CSeq?.Number ?? _invite.CSeq!.Value.Number));
        }
    }

    /// <summary>The agent is shutting down: nothing more can be sent or heard on this leg.</summary>
    void ISipDialogOwner.OnFlowClosed(SipDialog dialog) => Finish();

    /// <summary>The leg's one UDP flow toward the sofia profile never moves: the agent reconnecting is the browser side's.</summary>
    void ISipDialogOwner.OnFlowMoved(SipDialog dialog, ISipFlow previous)
    {
    }

    /// <summary>We never ask FreeSWITCH for RFC 4028 session timers, so none runs.</summary>
    void ISipDialogOwner.OnSessionExpired(SipDialog dialog)
    {
    }

    private static void AddReason(SipMessage message, string? reasonHeader)
    {
        if (reasonHeader is not null)
        {
            message.Headers.Add(SipHeaderNames.Reason, reasonHeader);
        }
    }

    private SipResponse Response(int status, string reason, string? sdp, string? reasonHeader = null)
    {
        var response = SipResponse.For(_invite, status, reason, status > 100 ? _dialog!.LocalTag : null);
        if (status > 100 && status < 300)
        {
            response.Headers.Add(SipHeaderNames.Contact, _agent.ContactFor(_dialog!.LocalHeader));
            response.Headers.Add(SipHeaderNames.Allow, SipUdpAgent.Allow);
        }

        AddReason(response, reasonHeader);
        if (sdp is not null)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.BodyText = sdp;
        }

        return response;
    }
}
