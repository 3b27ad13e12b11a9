using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>
/// The transport-neutral core of a SIP user agent (RFC 3261 §17 transactions, §12 dialogs, their timers on one
/// <see cref="TimeProvider"/>), shared by the browser side (<see cref="SipStack"/>: registrar, digest, forking) and
/// the FreeSWITCH media leg. Received messages go to transactions first (§17.1.3, §17.2.3), then to dialogs
/// (§12.2.2); what is left goes to the <see cref="ISipTransactionUser"/>. All state changes run serialized under one
/// lock; events to other rooms are posted and raised after it is released, in order.
/// </summary>
internal sealed partial class SipCore
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly Dictionary<string, SipDialog> _dialogs = new(StringComparer.Ordinal);
    private List<Action>? _deferred;
    private int _depth;

    public SipCore(TimeProvider time, SipTimerValues timers, SipStackCounters counters, string host, ILogger logger)
    {
        Counters = counters;
        Host = host;
        _logger = logger;
        Timers = new SipTimerService(time, timers, counters, Execute);
        Transactions = new SipTransactionTable(Timers, Send);
    }

    public SipStackCounters Counters { get; }

    /// <summary>Our sent-by for flows that do not name their own (<see cref="ISipFlow.LocalSentBy"/>).</summary>
    public string Host { get; }

    public SipTimerService Timers { get; }

    public SipTransactionTable Transactions { get; }

    public static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string NewBranch() => Via.MagicCookie + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    public static string NewCallId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Our Via for a request on <paramref name="flow"/>; rport asks a UDP peer to answer to our source port.</summary>
    public string ViaFor(ISipFlow flow, string branch) =>
        "SIP/2.0/" + flow.ViaTransport + " " + (flow.LocalSentBy ?? Host) + (flow.IsReliable ? string.Empty : ";rport") + ";branch=" + branch;

    /// <summary>Parses one whole message from <paramref name="flow"/> and routes it inside the serialized section.
    /// A message that does not parse is counted and, when it is a request we can answer, refused (400).</summary>
    public void Receive(ISipFlow flow, ReadOnlySpan<byte> data, ISipTransactionUser user)
    {
        var result = SipParser.Parse(data);
        if (!result.Success)
        {
            Counters.ParseFailed();
            LogParseFailure(flow.Remote, result.Error!);
            if (result.Rejectable is { Method: not SipMethod.Ack } bad)
            {
                Send(flow, SipResponse.For(bad, result.ErrorStatusCode, SanitizeReason(result.Error!)));
            }

            return;
        }

        Counters.MessageReceived();
        Execute(() =>
        {
            try
            {
                if (result.Message is SipRequest request)
                {
                    OnRequest(flow, request, user);
                }
                else
                {
                    OnResponse(flow, (SipResponse)result.Message!);
                }
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException or NullReferenceException)
            {
                // A message that parsed but still trips a handler must not take the flow down.
                LogHandlerFailure(ex);
            }
        });
    }

    public void Send(ISipFlow flow, SipMessage message)
    {
        Counters.MessageSent();
        flow.Send(message);
    }

    /// <summary>Runs <paramref name="action"/> serialized with everything else; events it posts are raised after.</summary>
    public void Execute(Action action)
    {
        List<Action>? toRaise = null;
        lock (_gate)
        {
            _depth++;
            _deferred ??= [];
            try
            {
                action();
            }
            finally
            {
                _depth--;
                if (_depth == 0)
                {
                    toRaise = _deferred;
                    _deferred = null;
                }
            }
        }

        if (toRaise is null)
        {
            return;
        }

        foreach (var raise in toRaise)
        {
            try
            {
                raise();
            }
            catch (Exception ex)
            {
                // An event handler of another room threw: log it, keep the core and its flows alive.
                LogHandlerFailure(ex);
            }
        }
    }

    /// <summary>Queues an event to raise once the current serialized section ends.</summary>
    public void Post(Action raise) => _deferred!.Add(raise);

    public void AddDialog(SipDialog dialog)
    {
        _dialogs[dialog.Key] = dialog;
        Counters.DialogCreated();
    }

    public void RemoveDialog(SipDialog dialog)
    {
        if (_dialogs.TryGetValue(dialog.Key, out var d) && ReferenceEquals(d, dialog))
        {
            _dialogs.Remove(dialog.Key);
            Counters.DialogTerminated();
        }
    }

    /// <summary>
    /// A flow is gone: its transactions end without a response. Its dialogs wait <paramref name="reconnectGrace"/> for
    /// their agent to come back on a new flow (a WebSocket dropped by a network change; the agent re-registers and
    /// re-INVITEs there) before their owners hear of it; without a grace the owners hear of it now.
    /// </summary>
    public void CloseFlow(ISipFlow flow, TimeSpan reconnectGrace)
    {
        foreach (var dialog in _dialogs.Values.Where(d => ReferenceEquals(d.Flow, flow)).ToList())
        {
            if (reconnectGrace > TimeSpan.Zero)
            {
                dialog.AwaitNewFlow(reconnectGrace);
            }
            else
            {
                dialog.Owner.OnFlowClosed(dialog);
            }
        }

        foreach (var transaction in Transactions.OnFlow(flow))
        {
            transaction.Terminate();
        }
    }

    /// <summary>Sends a request in a new client transaction; the callback gets every response (408 on timeout).</summary>
    public SipTransaction SendRequest(ISipFlow flow, SipRequest request, Action<SipResponse> onResponse)
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

    public void Respond(SipTransaction transaction, SipResponse response)
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

    /// <summary>
    /// RFC 3261 §12.2.2: a request with a To tag belongs to a dialog. False when it has none (the transaction user
    /// handles it as out-of-dialog); true when it was routed to the dialog's owner or refused: 481 when no such dialog
    /// exists or the flow may not use it, 500 when its CSeq is out of order.
    /// </summary>
    public bool RouteInDialog(ISipFlow flow, SipRequest request, SipTransaction transaction, ISipTransactionUser user)
    {
        if (request.To?.Tag is not { } toTag)
        {
            return false;
        }

        if (!_dialogs.TryGetValue(SipDialog.KeyOf(request.CallId!, toTag, request.From?.Tag ?? string.Empty), out var dialog))
        {
            Respond(transaction, SipResponse.For(request, 481, "Call/Transaction Does Not Exist"));
            return true;
        }

        // Before the CSeq check, so a stranger cannot push the dialog's CSeq past the peer's either.
        if (!user.IsDialogPeer(dialog, flow))
        {
            RefuseForeign(flow, request, transaction, dialog.Owner.AgentId);
            return true;
        }

        if (!dialog.TryAcceptRemoteCSeq(request.CSeq!.Value.Number))
        {
            Respond(transaction, SipResponse.For(request, 500, "CSeq Out Of Order"));
            return true;
        }

        if (!ReferenceEquals(dialog.Flow, flow))
        {
            // A peer the transaction user accepts on another flow (an agent that reconnected and registered there,
            // issue 23): whatever we send in this dialog (BYE, re-INVITE) must follow it.
            var previous = dialog.Flow;
            dialog.MoveTo(flow);
            Counters.DialogMoved();
            LogDialogMoved(dialog.Owner.AgentId, request.Method, previous.Remote, flow.Remote);
            dialog.Owner.OnFlowMoved(dialog, previous);
        }

        dialog.Owner.OnInDialogRequest(dialog, request, transaction);
        return true;
    }

    /// <summary>
    /// 481, exactly what a dialog that does not exist gets (RFC 3261 §12.2.2, §9.2): a 403 would confirm to whoever
    /// sent it that the Call-ID and tags it tried are live, and 481 is also what JsSIP and SIP.js take as "this dialog
    /// is gone" and clean up on. Counted and logged at warning: an agent's own client does this only when it reconnected
    /// and sent an in-dialog request before registering again.
    /// </summary>
    public void RefuseForeign(ISipFlow flow, SipRequest request, SipTransaction transaction, string agentId)
    {
        Counters.ForeignDialogRequestRefused();
        LogForeignDialogRequest(request.Method, agentId, flow.Remote);
        Respond(transaction, SipResponse.For(request, 481, "Call/Transaction Does Not Exist"));
    }

    private static string SanitizeReason(string error) => new(error.Where(c => c >= ' ' && c != '\u007f').ToArray());

    private void OnRequest(ISipFlow flow, SipRequest request, ISipTransactionUser user)
    {
        if (request.Method == SipMethod.Ack)
        {
            OnAck(flow, request, user);
            return;
        }

        if (Transactions.Find<SipTransaction>(SipTransaction.ServerKey(request)) is { } existing)
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
        user.OnRequest(flow, request, transaction);
    }

    private void OnAck(ISipFlow flow, SipRequest ack, ISipTransactionUser user)
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
            if (!user.IsDialogPeer(dialog, flow))
            {
                // An ACK gets no answer (RFC 3261 §17); one from a stranger must not stop our 2xx retransmissions either.
                Counters.ForeignDialogRequestRefused();
                return;
            }

            dialog.Owner.OnAck(dialog, ack);
        }
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

        if (Transactions.Find<SipClientTransaction>(key) is { } client)
        {
            client.OnResponse(response);
            return;
        }

        if (method == SipMethod.Invite && response.IsSuccess && response.To?.Tag is { } toTag
            && _dialogs.TryGetValue(SipDialog.KeyOf(response.CallId!, response.From?.Tag ?? string.Empty, toTag), out var dialog)
            && dialog.Flow.Id == flow.Id)
        {
            dialog.Owner.OnRetransmitted2xx(dialog, response);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP parse failure from {Remote}: {Error}")]
    private partial void LogParseFailure(IPEndPoint remote, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP handler failed")]
    private partial void LogHandlerFailure(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} came back on a new connection: its dialog follows ({Method} from {Remote}, was {Previous})")]
    private partial void LogDialogMoved(string agentId, string method, IPEndPoint previous, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} for a dialog of agent {AgentId} from {Remote}, neither its connection nor one the agent registered on: refused with 481")]
    private partial void LogForeignDialogRequest(string method, string agentId, IPEndPoint remote);
}
