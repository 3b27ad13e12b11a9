using System.Globalization;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Dialogs;

/// <summary>A dialog (RFC 3261 §12): Call-ID and tags, local and remote CSeq, remote target and route set, the flow
/// it lives on, and the RFC 4028 session-refresh watchdog.</summary>
internal sealed class SipDialog
{
    private readonly SipCore _core;
    private readonly string _localContact;
    private SipTimer? _sessionTimer;
    private SipTimer? _reconnectTimer;

    /// <param name="localContact">Our Contact in requests we send in the dialog (a target refresh, RFC 3261 §12.2.1.1).</param>
    public SipDialog(SipCore core, ISipFlow flow, ISipDialogOwner owner, string callId, string localTag, string remoteTag,
        string localHeader, string remoteHeader, string remoteTarget, IReadOnlyList<string> routeSet, uint localCSeq, uint? remoteCSeq,
        string localContact)
    {
        _core = core;
        _localContact = localContact;
        Flow = flow;
        Owner = owner;
        CallId = callId;
        LocalTag = localTag;
        RemoteTag = remoteTag;
        LocalHeader = localHeader;
        RemoteHeader = remoteHeader;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        LocalCSeq = localCSeq;
        RemoteCSeq = remoteCSeq;
    }

    /// <summary>The connection the peer's side of the dialog is on now; it moves when an agent reconnects.</summary>
    public ISipFlow Flow { get; private set; }

    public ISipDialogOwner Owner { get; }

    public string CallId { get; }

    public string LocalTag { get; }

    public string RemoteTag { get; }

    /// <summary>Our From/To value including our tag.</summary>
    public string LocalHeader { get; }

    /// <summary>The peer's From/To value as it sent it, tag included.</summary>
    public string RemoteHeader { get; }

    public string RemoteTarget { get; private set; }

    public IReadOnlyList<string> RouteSet { get; }

    public uint LocalCSeq { get; private set; }

    public uint? RemoteCSeq { get; private set; }

    public bool IsTerminated { get; private set; }

    /// <summary>RFC 4028 session interval in seconds, 0 when no session timer runs.</summary>
    public int SessionInterval { get; private set; }

    public string Key => KeyOf(CallId, LocalTag, RemoteTag);

    public static string KeyOf(string callId, string localTag, string remoteTag) => callId + "\n" + localTag + "\n" + remoteTag;

    /// <summary>RFC 3261 §12.2.2: a remote CSeq lower than the last one is out of order (500).</summary>
    public bool TryAcceptRemoteCSeq(uint cseq)
    {
        if (RemoteCSeq is uint last && cseq <= last)
        {
            return false;
        }

        RemoteCSeq = cseq;
        return true;
    }

    /// <summary>Target refresh (RFC 3261 §12.2.2): re-INVITE and UPDATE may carry a new Contact.</summary>
    public void RefreshTarget(SipRequest request)
    {
        if (request.Contacts is { Count: > 0 } contacts)
        {
            RemoteTarget = contacts[0].UriText;
        }
    }

    /// <summary>RFC 3261 §12.2.1.1: a request within the dialog, with a fresh branch and the next local CSeq.</summary>
    public SipRequest CreateRequest(string method)
    {
        LocalCSeq++;
        return Build(method, LocalCSeq, SipCore.NewBranch());
    }

    /// <summary>The ACK for a 2xx carries the INVITE's CSeq number and its own branch.</summary>
    public SipRequest CreateAck(uint inviteCSeq) => Build(SipMethod.Ack, inviteCSeq, SipCore.NewBranch());

    private SipRequest Build(string method, uint cseq, string branch)
    {
        var request = new SipRequest(method, RemoteTarget);
        request.Headers.Add(SipHeaderNames.Via, _core.ViaFor(Flow, branch));
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        foreach (var route in RouteSet)
        {
            request.Headers.Add(SipHeaderNames.Route, route);
        }

        request.Headers.Add(SipHeaderNames.From, LocalHeader);
        request.Headers.Add(SipHeaderNames.To, RemoteHeader);
        request.Headers.Add(SipHeaderNames.CallId, CallId);
        request.Headers.Add(SipHeaderNames.CSeq, new CSeq(cseq, method).ToString());
        if (method != SipMethod.Ack)
        {
            request.Headers.Add(SipHeaderNames.Contact, _localContact);
        }

        return request;
    }

    /// <summary>Starts or refreshes the RFC 4028 watchdog: without a refresh we end the session before it expires
    /// (§10: BYE at SE - min(32, SE/3) on the side that is not the refresher).</summary>
    public void ArmSessionTimer(int intervalSeconds)
    {
        _sessionTimer?.Stop();
        SessionInterval = intervalSeconds;
        if (intervalSeconds <= 0 || IsTerminated)
        {
            return;
        }

        var due = TimeSpan.FromSeconds(intervalSeconds - Math.Min(32, intervalSeconds / 3.0));
        _sessionTimer = _core.Timers.Start("Session-Expires", due, () =>
        {
            _sessionTimer = null;
            if (!IsTerminated)
            {
                Owner.OnSessionExpired(this);
            }
        });
    }

    public string SessionExpiresHeader(string refresher) =>
        SessionInterval.ToString(CultureInfo.InvariantCulture) + ";refresher=" + refresher;

    /// <summary>
    /// The dialog's connection closed: the agent has <paramref name="grace"/> to send an in-dialog request on a new
    /// one (<see cref="MoveTo"/>); otherwise the owner hears <see cref="ISipDialogOwner.OnFlowClosed"/>.
    /// </summary>
    public void AwaitNewFlow(TimeSpan grace)
    {
        var lost = Flow;
        _reconnectTimer?.Stop();
        _reconnectTimer = _core.Timers.Start("Reconnect-Grace", grace, () =>
        {
            _reconnectTimer = null;
            if (!IsTerminated && ReferenceEquals(Flow, lost))
            {
                Owner.OnFlowClosed(this);
            }
        });
    }

    /// <summary>The agent's requests for this dialog now come on <paramref name="flow"/> (it reconnected): ours go there too.</summary>
    public void MoveTo(ISipFlow flow)
    {
        Flow = flow;
        _reconnectTimer?.Stop();
        _reconnectTimer = null;
    }

    public void Terminate()
    {
        if (IsTerminated)
        {
            return;
        }

        IsTerminated = true;
        _sessionTimer?.Stop();
        _sessionTimer = null;
        _reconnectTimer?.Stop();
        _reconnectTimer = null;
        _core.RemoveDialog(this);
    }
}
