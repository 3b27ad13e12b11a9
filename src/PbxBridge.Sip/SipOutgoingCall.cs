using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Registrar;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>A call to an agent (the UAC side), forked to every flow the agent registered on (two tabs ring): the
/// first 2xx wins, the other forks get CANCEL, and a late 2xx from a loser gets ACK and BYE (RFC 3261 §13.2.2.4).</summary>
public sealed class SipOutgoingCall : SipCall
{
    private readonly string _fromNumber;
    private readonly string _fromDisplayName;
    private readonly string _offerSdp;
    private readonly string _fromTag = SipCore.NewTag();
    private readonly List<Fork> _forks = [];
    private Fork? _winner;
    private bool _cancelled;
    private bool _ringingRaised;
    private SipResponse? _bestFailure;

    internal SipOutgoingCall(SipStack stack, string agentId, string fromNumber, string fromDisplayName, string offerSdp)
        : base(stack, NoFlow.Instance, SipCore.NewCallId(), agentId)
    {
        _fromNumber = fromNumber;
        _fromDisplayName = fromDisplayName;
        _offerSdp = offerSdp;
    }

    /// <summary>A 180 or 183 arrived from some fork (raised once).</summary>
    public event Action? Ringing;

    /// <summary>The answer SDP of the first 200 OK.</summary>
    public event Action<string>? Answered;

    /// <summary>Every fork failed: the best final response (6xx first, then 486, then the first one).</summary>
    public event Action<int, string>? Rejected;

    internal void Start(List<(SipRegistrationBinding Binding, ISipFlow Flow)> targets)
    {
        LocalSdp = _offerSdp;
        Stack.FlowClosedForOutgoing += OnFlowClosedWhileRinging;
        foreach (var (binding, flow) in targets)
        {
            var fork = new Fork(flow, BuildInvite(binding, flow));
            _forks.Add(fork);
            fork.Transaction = (InviteClientTransaction)Stack.SendRequest(flow, fork.Invite, r => OnForkResponse(fork, r));
        }
    }

    /// <summary>
    /// The From of an INVITE to an agent. A caller without a number (withheld, or a PBX-originated call) is
    /// "Anonymous" &lt;sip:anonymous@anonymous.invalid&gt; (RFC 3261 8.1.1.3, RFC 3323 4.1.1.3): "sip:@realm" has an
    /// empty user part, which the grammar does not allow and JsSIP's and SIP.js's parsers reject, so the browser
    /// could not even ring.
    /// </summary>
    internal static NameAddr CallerFrom(string number, string displayName, string realm)
    {
        var name = string.IsNullOrWhiteSpace(displayName) ? null : displayName;
        return string.IsNullOrWhiteSpace(number)
            ? new NameAddr(new SipUri("sip", "anonymous", "anonymous.invalid"), name ?? "Anonymous")
            : new NameAddr(new SipUri("sip", number, realm), name);
    }

    private SipRequest BuildInvite(SipRegistrationBinding binding, ISipFlow flow)
    {
        // The Request-URI is the registered Contact (its ".invalid" host is never resolved); the flow carries it.
        var invite = new SipRequest(SipMethod.Invite, binding.ContactUri);
        invite.Headers.Add(SipHeaderNames.Via, Stack.ViaFor(flow, SipCore.NewBranch()));
        invite.Headers.Add(SipHeaderNames.MaxForwards, "70");
        invite.Headers.Add(SipHeaderNames.From, CallerFrom(_fromNumber, _fromDisplayName, Stack.Realm).WithTag(_fromTag).ToString());
        invite.Headers.Add(SipHeaderNames.To, new NameAddr(new SipUri("sip", AgentId, Stack.Realm)).ToString());
        invite.Headers.Add(SipHeaderNames.CallId, CallId);
        invite.Headers.Add(SipHeaderNames.CSeq, new CSeq(1, SipMethod.Invite).ToString());
        invite.Headers.Add(SipHeaderNames.Contact, Stack.ContactFor(flow));
        invite.Headers.Add(SipHeaderNames.Allow, SipMethod.Allowed);
        invite.Headers.Add(SipHeaderNames.Supported, "timer");
        invite.Headers.Add(SipHeaderNames.UserAgent, Stack.Options.UserAgent);
        invite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        invite.BodyText = _offerSdp;
        return invite;
    }

    /// <summary>Stops ringing every fork (CANCEL once each has answered provisionally).</summary>
    public void Cancel() => Stack.Execute(() =>
    {
        if (_winner is not null || IsEnded || _cancelled)
        {
            return;
        }

        _cancelled = true;
        foreach (var fork in _forks.Where(f => !f.Done))
        {
            CancelFork(fork);
        }
    });

    /// <summary>BYE after the answer; before it, the same as <see cref="Cancel"/>.</summary>
    public override void Hangup() => Stack.Execute(() =>
    {
        if (_winner is null)
        {
            Cancel();
            return;
        }

        SendBye();
        Finish(null);
    });

    private void CancelFork(Fork fork)
    {
        if (!fork.Provisional)
        {
            // RFC 3261 §9.1: a CANCEL waits for a provisional response; it is sent when one arrives.
            fork.CancelPending = true;
            return;
        }

        Stack.SendRequest(fork.Flow, fork.Transaction!.CreateCancel(), _ => { });

        // If the INVITE never gets its 487, give up on it after 64*T1 (§9.1).
        fork.CancelTimer = Stack.Timers.Start("Timer B (CANCEL)", Stack.Timers.Values.TimerB, () =>
        {
            fork.CancelTimer = null;
            fork.Transaction?.Terminate();
            ForkFinished(fork, null);
        });
    }

    private void OnForkResponse(Fork fork, SipResponse response)
    {
        if (response.IsProvisional)
        {
            fork.Provisional = true;
            if (fork.CancelPending)
            {
                fork.CancelPending = false;
                CancelFork(fork);
            }

            if (response.StatusCode > 100 && !_ringingRaised && _winner is null && !_cancelled && !IsEnded)
            {
                _ringingRaised = true;
                Stack.Post(() => Ringing?.Invoke());
            }

            return;
        }

        if (response.IsSuccess)
        {
            OnForkAnswered(fork, response);
            return;
        }

        ForkFinished(fork, response);
    }

    private void OnForkAnswered(Fork fork, SipResponse response)
    {
        var dialog = CreateDialog(fork, response);
        var ack = dialog.CreateAck(1);
        Stack.Send(fork.Flow, ack);
        if (_winner is not null || _cancelled || IsEnded)
        {
            // A second 200 (another tab answered too) or one that crossed our CANCEL: ACK it, then BYE it.
            var bye = dialog.CreateRequest(SipMethod.Bye);
            Stack.SendRequest(fork.Flow, bye, _ => { });
            ForkFinished(fork, null);
            return;
        }

        _winner = fork;
        fork.Done = true;
        fork.CancelTimer?.Stop();
        Flow = fork.Flow;
        Dialog = dialog;
        Stack.Core.AddDialog(dialog);
        Stack.FlowClosedForOutgoing -= OnFlowClosedWhileRinging;
        if (SessionExpires.TryRead(response, out var interval) && interval > 0)
        {
            dialog.ArmSessionTimer(interval);
        }

        foreach (var other in _forks.Where(f => !f.Done))
        {
            CancelFork(other);
        }

        var sdp = response.BodyText;
        Stack.Post(() => Answered?.Invoke(sdp));
        TrySendReoffer();
    }

    // Confirmed as soon as our ACK for the 2xx went out (Dialog is set then).
    private protected override bool DialogConfirmed => Dialog is not null && !IsEnded;

    // We sent the INVITE: we chose the Call-ID.
    private protected override bool OwnsCallId => true;

    private SipDialog CreateDialog(Fork fork, SipResponse response)
    {
        var routes = response.Headers.GetList(SipHeaderNames.RecordRoute);
        routes.Reverse();
        var target = response.Contacts.FirstOrDefault()?.UriText ?? fork.Invite.RequestUri;
        return new SipDialog(Stack.Core, fork.Flow, this, CallId, _fromTag, response.To?.Tag ?? string.Empty,
            fork.Invite.Headers.Get(SipHeaderNames.From)!, response.Headers.Get(SipHeaderNames.To)!, target, routes, 1, null, Stack.ContactFor(fork.Flow));
    }

    private void ForkFinished(Fork fork, SipResponse? failure)
    {
        if (fork == _winner)
        {
            return;
        }

        fork.Done = true;
        fork.CancelTimer?.Stop();
        fork.CancelTimer = null;
        if (failure is not null && (_bestFailure is null || Rank(failure) > Rank(_bestFailure)))
        {
            _bestFailure = failure;
        }

        if (_winner is null && _forks.All(f => f.Done) && !IsEnded)
        {
            var best = _bestFailure;
            var cancelled = _cancelled;
            Finish(null);
            if (!cancelled)
            {
                var code = best?.StatusCode ?? 480;
                var phrase = best?.ReasonPhrase ?? "Temporarily Unavailable";
                Stack.Post(() => Rejected?.Invoke(code, phrase));
            }
        }
    }

    /// <summary>RFC 3261 §16.7-like choice among fork failures: a 6xx ends everything, busy beats the rest.</summary>
    private static int Rank(SipResponse r) => r.StatusCode >= 600 ? 3 : r.StatusCode == 486 ? 2 : r.StatusCode == 408 ? 0 : 1;

    private void OnFlowClosedWhileRinging(ISipFlow flow)
    {
        foreach (var fork in _forks.Where(f => !f.Done && ReferenceEquals(f.Flow, flow)).ToList())
        {
            fork.Transaction?.Terminate();
            ForkFinished(fork, null);
        }
    }

    private protected override void OnRetransmitted2xx(SipDialog dialog, SipResponse response)
    {
        if (response.CSeq?.Number == 1)
        {
            Stack.Send(dialog.Flow, dialog.CreateAck(1));
        }
    }

    private protected override void OnFinished()
    {
        Stack.FlowClosedForOutgoing -= OnFlowClosedWhileRinging;
        foreach (var fork in _forks)
        {
            fork.CancelTimer?.Stop();
            fork.CancelTimer = null;
        }
    }

    private sealed class Fork(ISipFlow flow, SipRequest invite)
    {
        public ISipFlow Flow { get; } = flow;

        public SipRequest Invite { get; } = invite;

        public InviteClientTransaction? Transaction { get; set; }

        public bool Provisional { get; set; }

        public bool CancelPending { get; set; }

        public bool Done { get; set; }

        public SipTimer? CancelTimer { get; set; }
    }

    /// <summary>Placeholder flow until a fork answers.</summary>
    private sealed class NoFlow : ISipFlow
    {
        public static readonly NoFlow Instance = new();

        public string Id => "none";

        public System.Net.IPEndPoint Remote { get; } = new(System.Net.IPAddress.None, 0);

        public bool IsReliable => true;

        public string ViaTransport => "WSS";

        public bool IsOpen => false;

        public string? LocalSentBy => null;

        public void Send(SipMessage message)
        {
        }
    }
}
