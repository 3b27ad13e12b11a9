using System.Net;
using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// One INVITE session with FreeSWITCH over UDP, either side: as UAC (our INVITE to the pbxbridge profile) or as UAS
/// (FreeSWITCH's INVITE for agent-&lt;id&gt;). Handles 100/180/200 with 2xx retransmission until ACK (§13.3.1.4),
/// ACK of 2xx and non-2xx, CANCEL (200 + 487), BYE both ways, re-INVITE answered with the current SDP, in-dialog
/// OPTIONS/INFO.
/// </summary>
internal sealed class SipUdpCall
{
    private const string Allow = "INVITE, ACK, BYE, CANCEL, OPTIONS";
    private readonly SipUdpAgent _agent;
    private readonly object _gate = new();
    private SipRequest? _invite;
    private SipResponse? _lastInviteResponse;
    private SipClientTransaction? _inviteTransaction;
    private CancellationTokenSource? _retransmit2xx;
    private string? _localSdp;
    private long _sdpVersion;
    private bool _confirmed;
    private bool _ended;

    private SipUdpCall(SipUdpAgent agent, SipUdpDialog dialog, bool isUas, ISipUdpCallObserver observer)
    {
        _agent = agent;
        Dialog = dialog;
        IsUas = isUas;
        Observer = observer;
        SessionId = Random.Shared.NextInt64(100_000, 999_999_999);
        _sdpVersion = SessionId;
    }

    public SipUdpDialog Dialog { get; }

    public bool IsUas { get; }

    public ISipUdpCallObserver Observer { get; set; }

    public long SessionId { get; }

    /// <summary>The SDP FreeSWITCH sent (INVITE offer as UAS, 18x/2xx answer as UAC), latest first.</summary>
    public string? RemoteSdp { get; private set; }

    public bool IsConfirmed
    {
        get
        {
            lock (_gate)
            {
                return _confirmed;
            }
        }
    }

    /// <summary>UAS: a final response (200 or a failure) went out for the INVITE.</summary>
    public bool HasSentFinalResponse
    {
        get
        {
            lock (_gate)
            {
                return _lastInviteResponse is { IsProvisional: false };
            }
        }
    }

    public bool IsEnded
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>UAS: wraps FreeSWITCH's initial INVITE and answers 100 Trying at once.</summary>
    public static SipUdpCall Accept(SipUdpAgent agent, SipRequest invite, IPEndPoint remote, ISipUdpCallObserver observer)
    {
        var from = invite.Headers.Get(SipHeaderNames.From) ?? throw new ArgumentException("INVITE without From");
        var to = invite.Headers.Get(SipHeaderNames.To) ?? throw new ArgumentException("INVITE without To");
        var contact = invite.Contacts.FirstOrDefault()?.UriText ?? "sip:" + SipUdpDialog.Format(remote);
        var dialog = new SipUdpDialog(invite.CallId!, SipUdpDialog.NewTag(), SipUdpDialog.WithoutTag(to), SipUdpDialog.WithoutTag(from), contact, remote, 0)
        {
            RemoteTag = invite.From?.Tag,
        };
        var call = new SipUdpCall(agent, dialog, isUas: true, observer) { _invite = invite, RemoteSdp = invite.BodyText };
        agent.Register(call);
        call.Respond(100, "Trying", null);
        return call;
    }

    /// <summary>UAC: a new INVITE toward FreeSWITCH (sent by <see cref="Start"/>); <paramref name="extraHeaders"/> carry X-PbxBridge-*.</summary>
    public static SipUdpCall Invite(SipUdpAgent agent, string requestUri, string fromAddress, string toAddress, IPEndPoint localRtp, IReadOnlyList<KeyValuePair<string, string>> extraHeaders, ISipUdpCallObserver observer)
    {
        var dialog = new SipUdpDialog(Guid.NewGuid().ToString("N") + "@pbxbridge", SipUdpDialog.NewTag(), fromAddress, toAddress, requestUri, agent.FreeSwitch, 0);
        var call = new SipUdpCall(agent, dialog, isUas: false, observer);
        var invite = new SipRequest(SipMethod.Invite, requestUri);
        dialog.AddCommonHeaders(invite, agent.LocalEndPoint, SipUdpDialog.NewBranch(), dialog.NextCSeq(), SipMethod.Invite);
        invite.Headers.Add(SipHeaderNames.Contact, agent.ContactFor(fromAddress));
        invite.Headers.Add(SipHeaderNames.Allow, Allow);
        foreach (var header in extraHeaders)
        {
            invite.Headers.Add(header.Key, header.Value);
        }

        invite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        call._localSdp = PcmuSdp.Build(localRtp, call.SessionId, call._sdpVersion);
        invite.BodyText = call._localSdp;
        call._invite = invite;
        return call;
    }

    /// <summary>UAC: sends the INVITE. Separate from <see cref="Invite"/> so the owner is fully wired before any response.</summary>
    public void Start()
    {
        _agent.Register(this);
        var transaction = _agent.StartTransaction(_invite!, Dialog.RemoteEndPoint, OnInviteProvisional);
        lock (_gate)
        {
            _inviteTransaction = transaction;
        }

        _ = AwaitInviteFinalAsync(transaction);
    }

    /// <summary>UAS: 180 Ringing (or 183) before the answer.</summary>
    public void SendProvisional(int status, string reason)
    {
        lock (_gate)
        {
            if (_ended || _lastInviteResponse is { IsProvisional: false })
            {
                return;
            }
        }

        Respond(status, reason, null);
    }

    /// <summary>UAS: 200 OK with our SDP, retransmitted until FreeSWITCH's ACK (§13.3.1.4).</summary>
    public void Answer(IPEndPoint localRtp)
    {
        lock (_gate)
        {
            if (_ended || _lastInviteResponse is { IsProvisional: false })
            {
                throw new InvalidOperationException("the INVITE was already answered or ended");
            }

            _localSdp = PcmuSdp.Build(localRtp, SessionId, _sdpVersion, telephoneEvent: PcmuSdp.TelephoneEventPayloadTypeOf(RemoteSdp));
        }

        var ok = Respond(200, "OK", _localSdp);
        StartRetransmitting2xx(ok);
    }

    /// <summary>UAS: a final failure (480, 486, 603 ...) with a Q.850 Reason header (RFC 3326).</summary>
    public void Reject(int status, string reasonPhrase, string? reasonHeader)
    {
        lock (_gate)
        {
            if (_ended || _lastInviteResponse is { IsProvisional: false })
            {
                return;
            }

            _ended = true;
        }

        Respond(status, reasonPhrase, null, reasonHeader);
        _agent.ForgetLater(this);
    }

    /// <summary>Ends the call from our side: CANCEL before a final response (UAC), BYE once confirmed.</summary>
    public async Task HangupAsync(string? reasonHeader, CancellationToken cancellationToken)
    {
        SipClientTransaction? inviteTransaction;
        bool confirmed;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            confirmed = _confirmed || (IsUas && _lastInviteResponse is { IsSuccess: true });
            inviteTransaction = _inviteTransaction;
        }

        _retransmit2xx?.Cancel();
        if (!confirmed && !IsUas && inviteTransaction is not null && !inviteTransaction.Final.IsCompleted)
        {
            var cancel = new SipRequest(SipMethod.Cancel, _invite!.RequestUri);
            cancel.Headers.Add(SipHeaderNames.Via, _invite.Headers.Get(SipHeaderNames.Via)!);
            cancel.Headers.Add(SipHeaderNames.MaxForwards, "70");
            cancel.Headers.Add(SipHeaderNames.From, _invite.Headers.Get(SipHeaderNames.From)!);
            cancel.Headers.Add(SipHeaderNames.To, _invite.Headers.Get(SipHeaderNames.To)!);
            cancel.Headers.Add(SipHeaderNames.CallId, Dialog.CallId);
            cancel.Headers.Add(SipHeaderNames.CSeq, _invite.CSeq!.Value.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) + " CANCEL");
            AddReason(cancel, reasonHeader);
            var transaction = _agent.StartTransaction(cancel, Dialog.RemoteEndPoint, null);
            await transaction.Final.WaitAsync(cancellationToken).ConfigureAwait(false);

            // The INVITE now ends with 487, which AwaitInviteFinalAsync ACKs.
            await inviteTransaction.Final.WaitAsync(_agent.Timers.TransactionTimeout, cancellationToken).ConfigureAwait(false);
        }
        else if (IsUas && !confirmed)
        {
            Respond(480, "Temporarily Unavailable", null, reasonHeader);
        }
        else
        {
            var bye = Dialog.CreateRequest(SipMethod.Bye, _agent.LocalEndPoint);
            AddReason(bye, reasonHeader);
            var transaction = _agent.StartTransaction(bye, Dialog.RemoteEndPoint, null);
            await transaction.Final.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        _agent.ForgetLater(this);
    }

    /// <summary>A request FreeSWITCH sent within this call (retransmitted INVITE, ACK, BYE, CANCEL, re-INVITE ...).</summary>
    public void OnRequest(SipRequest request, IPEndPoint remote)
    {
        switch (request.Method)
        {
            case SipMethod.Invite when IsSameTransaction(request, _invite):
                SipResponse? last;
                lock (_gate)
                {
                    last = _lastInviteResponse;
                }

                if (last is not null)
                {
                    _ = _agent.SendAsync(last, remote);
                }

                break;
            case SipMethod.Invite:
                OnReInvite(request, remote);
                break;
            case SipMethod.Ack:
                OnAck(request);
                break;
            case SipMethod.Cancel:
                OnCancel(request, remote);
                break;
            case SipMethod.Bye:
                _ = _agent.SendAsync(SipResponse.For(request, 200, "OK"), remote);
                bool first;
                lock (_gate)
                {
                    first = !_ended;
                    _ended = true;
                }

                _retransmit2xx?.Cancel();
                if (first)
                {
                    Observer.OnRemoteEnded(request);
                    _agent.ForgetLater(this);
                }

                break;
            default:
                // OPTIONS, INFO, UPDATE without SDP changes: acknowledge so FreeSWITCH keeps the call.
                _ = _agent.SendAsync(SipResponse.For(request, 200, "OK"), remote);
                break;
        }
    }

    /// <summary>A response to one of our requests in this call, already matched to its transaction by the agent.</summary>
    public void OnRetransmitted2xx(SipResponse response)
    {
        // §13.2.2.4: every retransmitted 2xx of the INVITE gets the ACK again.
        if (response.CSeq is { Method: SipMethod.Invite } && response.IsSuccess && !IsUas)
        {
            SendAck(response, SipUdpDialog.NewBranch());
        }
    }

    private static bool IsSameTransaction(SipRequest request, SipRequest? original) =>
        original is not null && request.TopVia?.Branch == original.TopVia?.Branch && request.CSeq == original.CSeq;

    private static void AddReason(SipRequest request, string? reasonHeader)
    {
        if (reasonHeader is not null)
        {
            request.Headers.Add(SipHeaderNames.Reason, reasonHeader);
        }
    }

    private SipResponse Respond(int status, string reason, string? sdp, string? reasonHeader = null)
    {
        var invite = _invite!;
        var response = SipResponse.For(invite, status, reason, status > 100 ? Dialog.LocalTag : null);
        if (status > 100 && status < 300)
        {
            response.Headers.Add(SipHeaderNames.Contact, _agent.ContactFor(Dialog.LocalAddress));
            response.Headers.Add(SipHeaderNames.Allow, Allow);
        }

        if (reasonHeader is not null)
        {
            response.Headers.Add(SipHeaderNames.Reason, reasonHeader);
        }

        if (sdp is not null)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.BodyText = sdp;
        }

        lock (_gate)
        {
            _lastInviteResponse = response;
        }

        _ = _agent.SendAsync(response, Dialog.RemoteEndPoint);
        return response;
    }

    private void StartRetransmitting2xx(SipResponse ok)
    {
        var cts = new CancellationTokenSource();
        _retransmit2xx = cts;
        _ = Task.Run(async () =>
        {
            var interval = _agent.Timers.T1;
            var deadline = DateTime.UtcNow + _agent.Timers.TransactionTimeout;
            try
            {
                while (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(interval, cts.Token).ConfigureAwait(false);
                    await _agent.SendAsync(ok, Dialog.RemoteEndPoint).ConfigureAwait(false);
                    interval = TimeSpan.FromTicks(Math.Min((interval * 2).Ticks, _agent.Timers.T2.Ticks));
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // No ACK within 64*T1: §13.3.1.4 says the UAS should end the session with BYE.
            await HangupAsync("Q.850;cause=41;text=\"NORMAL_TEMPORARY_FAILURE\"", CancellationToken.None).ConfigureAwait(false);
            Observer.OnFailed(SipResponse.For(_invite!, 408, "ACK Timeout"));
        });
    }

    private void OnAck(SipRequest ack)
    {
        bool first;
        lock (_gate)
        {
            first = !_confirmed && _lastInviteResponse is { IsSuccess: true };
            if (first)
            {
                _confirmed = true;
            }
        }

        _retransmit2xx?.Cancel();
        if (first && !IsEnded)
        {
            Observer.OnConfirmed(ack);
        }
    }

    private void OnCancel(SipRequest cancel, IPEndPoint remote)
    {
        _ = _agent.SendAsync(SipResponse.For(cancel, 200, "OK"), remote);
        bool cancelled;
        lock (_gate)
        {
            cancelled = IsUas && !_ended && _lastInviteResponse is not { IsProvisional: false };
            if (cancelled)
            {
                _ended = true;
            }
        }

        if (cancelled)
        {
            Respond(487, "Request Terminated", null);
            Observer.OnRemoteEnded(cancel);
            _agent.ForgetLater(this);
        }
    }

    private void OnReInvite(SipRequest reInvite, IPEndPoint remote)
    {
        // Hold/unhold or a session refresh from FreeSWITCH: answer with our current SDP (RFC 3264 §8, same version
        // when nothing changed on our side), and keep its new address if it moved.
        if (!string.IsNullOrEmpty(reInvite.BodyText))
        {
            RemoteSdp = reInvite.BodyText;
        }

        var ok = SipResponse.For(reInvite, 200, "OK");
        ok.Headers.Add(SipHeaderNames.Contact, _agent.ContactFor(Dialog.LocalAddress));
        ok.Headers.Add(SipHeaderNames.Allow, Allow);
        if (_localSdp is not null)
        {
            ok.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            ok.BodyText = _localSdp;
        }

        _ = _agent.SendAsync(ok, remote);
    }

    private void OnInviteProvisional(SipResponse response)
    {
        if (response.StatusCode == 100)
        {
            return;
        }

        AdoptRemoteTag(response);
        if (!string.IsNullOrEmpty(response.BodyText))
        {
            RemoteSdp = response.BodyText;
        }

        Observer.OnProvisional(response);
    }

    private async Task AwaitInviteFinalAsync(SipClientTransaction transaction)
    {
        SipResponse final;
        try
        {
            final = await transaction.Final.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (final.IsSuccess)
        {
            AdoptRemoteTag(final);
            if (final.Contacts.FirstOrDefault()?.UriText is { } target)
            {
                Dialog.RemoteTarget = target;
            }

            if (!string.IsNullOrEmpty(final.BodyText))
            {
                RemoteSdp = final.BodyText;
            }

            SendAck(final, SipUdpDialog.NewBranch());
            bool wasEnded;
            lock (_gate)
            {
                _confirmed = true;
                wasEnded = _ended;
            }

            if (wasEnded)
            {
                // We hung up (CANCEL) but the 200 crossed it: end the session we just confirmed (§9.1).
                lock (_gate)
                {
                    _ended = false;
                }

                await HangupAsync("Q.850;cause=16;text=\"NORMAL_CLEARING\"", CancellationToken.None).ConfigureAwait(false);
                return;
            }

            Observer.OnConfirmed(final);
            return;
        }

        if (final.StatusCode != 408 || final.Headers.Get(SipHeaderNames.Via) is not null)
        {
            // §17.1.1.3: the ACK for a non-2xx final response reuses the INVITE's branch.
            SendAck(final, _invite!.TopVia!.Branch!);
        }

        bool notify;
        lock (_gate)
        {
            notify = !_ended;
            _ended = true;
        }

        if (notify)
        {
            Observer.OnFailed(final);
        }

        _agent.ForgetLater(this);
    }

    private void AdoptRemoteTag(SipResponse response)
    {
        if (response.To?.Tag is { } tag && Dialog.RemoteTag is null)
        {
            Dialog.RemoteTag = tag;
        }
    }

    private void SendAck(SipResponse response, string branch)
    {
        var invite = _invite!;
        var requestUri = response.IsSuccess ? Dialog.RemoteTarget : invite.RequestUri;
        var ack = new SipRequest(SipMethod.Ack, requestUri);
        ack.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/UDP {SipUdpDialog.Format(_agent.LocalEndPoint)};branch={branch};rport");
        ack.Headers.Add(SipHeaderNames.MaxForwards, "70");
        ack.Headers.Add(SipHeaderNames.From, invite.Headers.Get(SipHeaderNames.From)!);
        ack.Headers.Add(SipHeaderNames.To, response.Headers.Get(SipHeaderNames.To)!);
        ack.Headers.Add(SipHeaderNames.CallId, Dialog.CallId);
        ack.Headers.Add(SipHeaderNames.CSeq, invite.CSeq!.Value.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ACK");
        _ = _agent.SendAsync(ack, Dialog.RemoteEndPoint);
    }
}
