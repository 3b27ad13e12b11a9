using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Registrar;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>One per process: the registrar, the transaction layer, the dialogs and the two call roles of the
/// B2BUA's browser side. All state changes run serialized under one lock; events to the Calls room are raised
/// after the lock is released, in order, each at most once.</summary>
public sealed partial class SipStack : ISipMessageSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly ISipAgentDirectory _agents;
    private readonly ISipCallHandler _calls;
    private readonly ILogger<SipStack> _logger;
    private readonly SipRequestAuthenticator _authenticator;
    private readonly SipRegistrar _registrar;
    private readonly Dictionary<string, ISipFlow> _flows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SipDialog> _dialogs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SipIncomingCall> _incomingByInviteKey = new(StringComparer.Ordinal);
    private readonly ITimer _housekeeping;
    private List<Action>? _deferred;
    private int _depth;

    public SipStack(SipStackOptions options, ISipAgentDirectory agents, ISipCallHandler calls, ILogger<SipStack> logger)
    {
        Options = options;
        _agents = agents;
        _calls = calls;
        _logger = logger;
        Timers = new SipTimerService(options.TimeProvider, options.Timers, Counters, Execute);
        Transactions = new SipTransactionTable(Timers, Send);
        _authenticator = new SipRequestAuthenticator(options, agents, Counters, logger);
        _registrar = new SipRegistrar(options);

        // Registration expiry and nonce/limiter sweeping. Not counted in Counters.Timers, which tracks per-call timers.
        _housekeeping = options.TimeProvider.CreateTimer(_ => Execute(Housekeeping), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public SipStackOptions Options { get; }

    public SipStackCounters Counters { get; } = new();

    public string Realm => _agents.Realm;

    internal SipTimerService Timers { get; }

    internal SipTransactionTable Transactions { get; }

    public IReadOnlyList<SipRegistrationInfo> Registrations =>
        _registrar.Store.All().Select(b => new SipRegistrationInfo(b.AgentId, b.ContactValue, b.FlowId, b.Remote, b.ExpiresAt, b.UserAgent)).ToList();

    /// <summary>Runs one browser connection until it closes (RFC 7118; the socket was accepted with sub-protocol "sip").</summary>
    public Task RunWebSocketAsync(WebSocket socket, IPEndPoint remote, CancellationToken cancellationToken) =>
        new SipWebSocketConnection(socket, remote, this, _logger, rateLimit: Options.MessageRate, time: Options.TimeProvider, limits: Options.ConnectionLimits).RunAsync(cancellationToken);

    /// <summary>Rings every flow the agent is registered on. Null at once when it has no registered contact.</summary>
    public SipOutgoingCall? InviteAgent(string agentId, string fromNumber, string fromDisplayName, string offerSdp)
    {
        SipOutgoingCall? call = null;
        Execute(() =>
        {
            var targets = new List<(SipRegistrationBinding Binding, ISipFlow Flow)>();
            foreach (var binding in _registrar.Store.GetBindings(agentId))
            {
                if (_flows.TryGetValue(binding.FlowId, out var flow) && flow.IsOpen)
                {
                    targets.Add((binding, flow));
                }
            }

            if (targets.Count == 0)
            {
                return;
            }

            call = new SipOutgoingCall(this, agentId, fromNumber, fromDisplayName, offerSdp);
            call.Start(targets);
        });
        return call;
    }

    /// <summary>A transport announces a new flow (the WebSocket connection does this itself).</summary>
    public void OnFlowOpened(ISipFlow flow) => Execute(() =>
    {
        _flows[flow.Id] = flow;
        Counters.ConnectionOpened();
    });

    public void OnFlowClosed(ISipFlow flow) => Execute(() =>
    {
        if (!_flows.Remove(flow.Id))
        {
            return;
        }

        Counters.ConnectionClosed();
        foreach (var removed in _registrar.Store.RemoveFlow(flow.Id))
        {
            LogRegistrationEnded(removed.AgentId, removed.ContactUri, "flow closed");
        }

        foreach (var dialog in _dialogs.Values.Where(d => ReferenceEquals(d.Flow, flow)).ToList())
        {
            if (Options.ReconnectGrace > TimeSpan.Zero)
            {
                dialog.AwaitNewFlow(Options.ReconnectGrace);
            }
            else
            {
                dialog.Owner.OnFlowClosed(dialog);
            }
        }

        FlowClosedForOutgoing?.Invoke(flow);
        foreach (var transaction in Transactions.OnFlow(flow))
        {
            transaction.Terminate();
        }
    });

    /// <summary>Outgoing calls with forks on the flow subscribe here while they ring.</summary>
    internal event Action<ISipFlow>? FlowClosedForOutgoing;

    public void OnMessageReceived(ISipFlow flow, ReadOnlySpan<byte> data)
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
                    OnRequest(flow, request);
                }
                else
                {
                    OnResponse(flow, (SipResponse)result.Message!);
                }
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException or NullReferenceException)
            {
                // A message that parsed but still trips a handler must not take the connection down.
                LogHandlerFailure(ex);
            }
        });
    }

    public void OnMessageRefused(ISipFlow flow, ReadOnlySpan<byte> data, int? retryAfterSeconds)
    {
        Counters.MessageRateLimited();
        if (retryAfterSeconds is not { } seconds)
        {
            return;
        }

        // Answered statelessly (no transaction): the point is to spend as little as possible on it. A message that does
        // not even parse is not worth a 400 here; it would only have been refused anyway.
        if (SipParser.Parse(data) is { Success: true, Message: SipRequest { Method: not SipMethod.Ack } request })
        {
            var response = SipResponse.For(request, 503, LimitReasonPhrases.TooManyMessages);
            response.Headers.Add(SipHeaderNames.RetryAfter, Seconds(seconds));
            Send(flow, response);
        }
    }

    public void OnFloodClosed(ISipFlow flow) => Counters.FloodClosed();

    public void OnSendQueueOverflow(ISipFlow flow) => Counters.SendQueueOverflowed();

    public void OnRegistrationDeadlinePassed(ISipFlow flow) => Counters.UnauthenticatedClosed();

    /// <summary>A request on <paramref name="flow"/> authenticated: a WebSocket connection's registration deadline no
    /// longer applies (other flows have none). A cast rather than an ISipFlow member: only this transport needs it.</summary>
    internal static void OnAuthenticated(ISipFlow flow) => (flow as SipWebSocketConnection)?.MarkAuthenticated();

    private static string SanitizeReason(string error) => new(error.Where(c => c >= ' ' && c != '\u007f').ToArray());

    internal void Send(ISipFlow flow, SipMessage message)
    {
        Counters.MessageSent();
        flow.Send(message);
    }

    /// <summary>Runs <paramref name="action"/> serialized with everything else; events it posts are raised after.</summary>
    internal void Execute(Action action)
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
                // An event handler of another room threw: log it, keep the stack and its connection alive.
                LogHandlerFailure(ex);
            }
        }
    }

    /// <summary>Queues an event to raise once the current serialized section ends.</summary>
    internal void Post(Action raise) => _deferred!.Add(raise);

    internal static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    internal static string NewBranch() => Via.MagicCookie + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    internal static string NewCallId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Our Contact toward a browser. Requests to it come back over the same WebSocket anyway (the browser has
    /// only that connection); the URI just has to be valid and ours.</summary>
    internal string ContactFor(ISipFlow flow) =>
        "<sip:pbxbridge@" + (flow.LocalSentBy ?? Options.Host) + ";transport=" + (flow.ViaTransport.StartsWith("WS", StringComparison.Ordinal) ? "ws" : flow.ViaTransport.ToLowerInvariant()) + ">";

    /// <summary>Our Via for a request on <paramref name="flow"/>; rport asks a UDP peer to answer to our source port.</summary>
    internal string ViaFor(ISipFlow flow, string branch) =>
        "SIP/2.0/" + flow.ViaTransport + " " + (flow.LocalSentBy ?? Options.Host) + (flow.IsReliable ? string.Empty : ";rport") + ";branch=" + branch;

    internal void AddDialog(SipDialog dialog)
    {
        _dialogs[dialog.Key] = dialog;
        Counters.DialogCreated();
    }

    internal void RemoveDialog(SipDialog dialog)
    {
        if (_dialogs.TryGetValue(dialog.Key, out var d) && ReferenceEquals(d, dialog))
        {
            _dialogs.Remove(dialog.Key);
            Counters.DialogTerminated();
        }
    }

    /// <summary>Answers after <paramref name="delay"/> without holding anything up meanwhile: a timer on the stack's
    /// clock sends it (nothing if the transaction died with its flow in the meantime).</summary>
    internal void RespondAfter(SipTransaction transaction, SipResponse response, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Respond(transaction, response);
            return;
        }

        Timers.Start("auth throttle", delay, () =>
        {
            if (!transaction.IsTerminated)
            {
                Respond(transaction, response);
            }
        });
    }

    internal void ForgetIncoming(string inviteKey) => _incomingByInviteKey.Remove(inviteKey);

    internal void PostIncomingCall(SipIncomingCall call) => Post(() => _calls.OnIncomingCall(call));

    private void Housekeeping()
    {
        foreach (var expired in _registrar.Store.RemoveExpired(Options.TimeProvider.GetUtcNow()))
        {
            LogRegistrationEnded(expired.AgentId, expired.ContactUri, "expired");
        }

        _authenticator.Nonces.Sweep();
        _authenticator.Limiter.Sweep();
    }

    public void Dispose() => _housekeeping.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP parse failure from {Remote}: {Error}")]
    private partial void LogParseFailure(IPEndPoint remote, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP handler failed")]
    private partial void LogHandlerFailure(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration of {AgentId} at {Contact} ended: {Why}")]
    private partial void LogRegistrationEnded(string agentId, string contact, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent {AgentId} may hold {Max} registrations: REGISTER from {Remote} refused (503, or 403 when it alone carries more contacts)")]
    private partial void LogRegistrationRefused(string agentId, int max, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} came back on a new connection: its dialog follows ({Method} from {Remote}, was {Previous})")]
    private partial void LogDialogMoved(string agentId, string method, IPEndPoint previous, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} for a dialog of agent {AgentId} from {Remote}, neither its connection nor one the agent registered on: refused with 481")]
    private partial void LogForeignDialogRequest(string method, string agentId, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} registered {Contact} from {Remote}")]
    private partial void LogRegistered(string agentId, string contact, IPEndPoint remote);

    internal static string Seconds(int s) => s.ToString(CultureInfo.InvariantCulture);
}
