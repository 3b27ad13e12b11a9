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

/// <summary>One per process: the B2BUA's browser side (registrar, digest, the two call roles with forking) over a
/// <see cref="SipCore"/> of its own (transactions, dialogs, timers). All state changes run serialized in the core;
/// events to the Calls room are raised after its lock is released, in order, each at most once.</summary>
public sealed partial class SipStack : ISipMessageSink, ISipTransactionUser, IDisposable
{
    private readonly ISipAgentDirectory _agents;
    private readonly ISipCallHandler _calls;
    private readonly ILogger<SipStack> _logger;
    private readonly SipRequestAuthenticator _authenticator;
    private readonly SipRegistrar _registrar;
    private readonly Dictionary<string, ISipFlow> _flows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SipIncomingCall> _incomingByInviteKey = new(StringComparer.Ordinal);
    private readonly ITimer _housekeeping;

    public SipStack(SipStackOptions options, ISipAgentDirectory agents, ISipCallHandler calls, ILogger<SipStack> logger)
    {
        Options = options;
        _agents = agents;
        _calls = calls;
        _logger = logger;
        Core = new SipCore(options.TimeProvider, options.Timers, Counters, options.Host, logger);
        _authenticator = new SipRequestAuthenticator(options, agents, Counters, logger);
        _registrar = new SipRegistrar(options);

        // Registration expiry and nonce/limiter sweeping. Not counted in Counters.Timers, which tracks per-call timers.
        _housekeeping = options.TimeProvider.CreateTimer(_ => Execute(Housekeeping), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public SipStackOptions Options { get; }

    public SipStackCounters Counters { get; } = new();

    /// <summary>Failed agent passwords per source address; other ways of proving one (the ICE servers endpoint) count
    /// into the same record, so they are no faster a password oracle than SIP.</summary>
    public AuthFailureLimiter AuthFailures => _authenticator.Limiter;

    public string Realm => _agents.Realm;

    internal SipCore Core { get; }

    internal SipTimerService Timers => Core.Timers;

    internal SipTransactionTable Transactions => Core.Transactions;

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

        FlowClosedForOutgoing?.Invoke(flow);
        Core.CloseFlow(flow, Options.ReconnectGrace);
    });

    /// <summary>Outgoing calls with forks on the flow subscribe here while they ring.</summary>
    internal event Action<ISipFlow>? FlowClosedForOutgoing;

    public void OnMessageReceived(ISipFlow flow, ReadOnlySpan<byte> data) => Core.Receive(flow, data, this);

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

    internal void Send(ISipFlow flow, SipMessage message) => Core.Send(flow, message);

    /// <summary>Runs <paramref name="action"/> serialized with everything else; events it posts are raised after.</summary>
    internal void Execute(Action action) => Core.Execute(action);

    /// <summary>Queues an event to raise once the current serialized section ends.</summary>
    internal void Post(Action raise) => Core.Post(raise);

    /// <summary>Our Contact toward a browser. Requests to it come back over the same WebSocket anyway (the browser has
    /// only that connection); the URI just has to be valid and ours.</summary>
    internal string ContactFor(ISipFlow flow) =>
        "<sip:pbxbridge@" + (flow.LocalSentBy ?? Options.Host) + ";transport=" + (flow.ViaTransport.StartsWith("WS", StringComparison.Ordinal) ? "ws" : flow.ViaTransport.ToLowerInvariant()) + ">";

    internal string ViaFor(ISipFlow flow, string branch) => Core.ViaFor(flow, branch);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration of {AgentId} at {Contact} ended: {Why}")]
    private partial void LogRegistrationEnded(string agentId, string contact, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent {AgentId} may hold {Max} registrations: REGISTER from {Remote} refused (503, or 403 when it alone carries more contacts)")]
    private partial void LogRegistrationRefused(string agentId, int max, IPEndPoint remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} registered {Contact} from {Remote}")]
    private partial void LogRegistered(string agentId, string contact, IPEndPoint remote);

    internal static string Seconds(int s) => s.ToString(CultureInfo.InvariantCulture);
}
