using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// PbxBridge's SIP user agent toward FreeSWITCH's pbxbridge profile: the transaction user of a <see cref="SipCore"/>
/// of its own over the Sip room's UDP transport. The core does transactions, retransmissions and dialogs; this class
/// answers out-of-dialog OPTIONS (FreeSWITCH's gateway ping marks us DOWN otherwise), matches CANCEL to the INVITE it
/// cancels, refuses INVITEs from anyone but FreeSWITCH and hands new ones to <see cref="IncomingInvite"/>.
/// </summary>
internal sealed partial class SipUdpAgent : ISipMessageSink, ISipTransactionUser, IAsyncDisposable
{
    internal const string Allow = "INVITE, ACK, BYE, CANCEL, OPTIONS";

    private readonly SipUdpTransport _transport;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, SipUdpCall> _uasByCallId = new(StringComparer.Ordinal);
    private Task _receiveLoop = Task.CompletedTask;

    public SipUdpAgent(IPEndPoint bind, IPEndPoint freeSwitch, TimeProvider time, SipTimerValues timers, ILogger logger)
    {
        _logger = logger;
        Core = new SipCore(time, timers, new SipStackCounters(), bind.Address.ToString(), logger);
        _transport = new SipUdpTransport(bind, this, logger);
        FreeSwitch = freeSwitch;
        FreeSwitchFlow = _transport.FlowTo(freeSwitch);
    }

    /// <summary>A new INVITE from FreeSWITCH (no To tag, not a retransmission), with its server transaction. Runs
    /// inside the core's serialized section: accept it with <see cref="SipUdpCall.Accept"/> or answer it.</summary>
    public Action<SipRequest, InviteServerTransaction>? IncomingInvite { get; set; }

    public SipCore Core { get; }

    public IPEndPoint FreeSwitch { get; }

    /// <summary>Requests to FreeSWITCH go here; the profile sends no Record-Route, so in-dialog ones do too.</summary>
    public ISipFlow FreeSwitchFlow { get; }

    public IPEndPoint LocalEndPoint => _transport.LocalEndPoint;

    public void Start() => _receiveLoop = Task.Run(() => _transport.RunAsync(_stop.Token));

    /// <summary>Our Contact for the user of <paramref name="addressHeader"/> (the agent id FreeSWITCH shows).</summary>
    public string ContactFor(string addressHeader)
    {
        var user = NameAddr.TryParse(addressHeader, out var address, out _) ? address!.Uri?.User : null;
        return $"<sip:{user ?? "pbxbridge"}@{FreeSwitchFlow.LocalSentBy}>";
    }

    public void Respond(SipTransaction transaction, SipResponse response) => Core.Respond(transaction, response);

    /// <summary>A UAS call whose INVITE may still be cancelled or retransmitted (keyed by Call-ID: one INVITE each).</summary>
    public void TrackInvite(SipUdpCall call) => _uasByCallId[call.CallId] = call;

    public void ForgetInvite(SipUdpCall call)
    {
        if (_uasByCallId.TryGetValue(call.CallId, out var known) && ReferenceEquals(known, call))
        {
            _uasByCallId.Remove(call.CallId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);
        _transport.Dispose();
        _stop.Dispose();
    }

    void ISipTransactionUser.OnRequest(ISipFlow flow, SipRequest request, SipTransaction transaction)
    {
        if (request.Method == SipMethod.Cancel)
        {
            OnCancel(request, transaction);
            return;
        }

        if (Core.RouteInDialog(flow, request, transaction, this))
        {
            return;
        }

        switch (request.Method)
        {
            case SipMethod.Invite when !flow.Remote.Address.Equals(FreeSwitch.Address):
                // Only FreeSWITCH's pbxbridge profile may place calls to agents.
                LogForeignInvite(_logger, flow.Remote.ToString());
                Respond(transaction, SipResponse.For(request, 403, "Forbidden"));
                break;
            case SipMethod.Invite when _uasByCallId.TryGetValue(request.CallId!, out var call):
                // The INVITE again after our 2xx ended its transaction (RFC 3261 §17.2.1): the call's 2xx answers it.
                transaction.Terminate();
                call.OnInviteRetransmitted(request);
                break;
            case SipMethod.Invite when IncomingInvite is { } handler:
                handler(request, (InviteServerTransaction)transaction);
                break;
            case SipMethod.Invite:
                Respond(transaction, SipResponse.For(request, 503, "Service Unavailable"));
                break;
            case SipMethod.Options:
                var ok = SipResponse.For(request, 200, "OK", SipCore.NewTag());
                ok.Headers.Add(SipHeaderNames.Allow, Allow);
                ok.Headers.Add(SipHeaderNames.Accept, "application/sdp");
                Respond(transaction, ok);
                break;
            default:
                Respond(transaction, SipResponse.For(request, 481, "Call/Transaction Does Not Exist"));
                break;
        }
    }

    /// <summary>FreeSWITCH is the only peer, and it always speaks from the same address.</summary>
    bool ISipTransactionUser.IsDialogPeer(PbxBridge.Sip.Dialogs.SipDialog dialog, ISipFlow flow) => dialog.Flow.Id == flow.Id;

    private void OnCancel(SipRequest cancel, SipTransaction transaction)
    {
        // RFC 3261 §9.2: the CANCEL names the INVITE's transaction by its branch.
        if (_uasByCallId.TryGetValue(cancel.CallId!, out var call) && call.IsInviteBranch(cancel.TopVia?.Branch))
        {
            Respond(transaction, SipResponse.For(cancel, 200, "OK"));
            call.OnCancel(cancel);
            return;
        }

        Respond(transaction, SipResponse.For(cancel, 481, "Call/Transaction Does Not Exist"));
    }

    void ISipMessageSink.OnFlowOpened(ISipFlow flow)
    {
    }

    void ISipMessageSink.OnMessageReceived(ISipFlow flow, ReadOnlySpan<byte> data) => Core.Receive(flow, data, this);

    void ISipMessageSink.OnMessageRefused(ISipFlow flow, ReadOnlySpan<byte> data, int? retryAfterSeconds) => Core.Counters.MessageRateLimited();

    void ISipMessageSink.OnFloodClosed(ISipFlow flow) => Core.Counters.FloodClosed();

    void ISipMessageSink.OnSendQueueOverflow(ISipFlow flow) => Core.Counters.SendQueueOverflowed();

    void ISipMessageSink.OnRegistrationDeadlinePassed(ISipFlow flow)
    {
    }

    void ISipMessageSink.OnFlowClosed(ISipFlow flow) => Core.Execute(() => Core.CloseFlow(flow, TimeSpan.Zero));

    [LoggerMessage(Level = LogLevel.Warning, Message = "INVITE from {Remote}, which is not FreeSWITCH's pbxbridge profile: 403")]
    private static partial void LogForeignInvite(ILogger logger, string remote);
}
