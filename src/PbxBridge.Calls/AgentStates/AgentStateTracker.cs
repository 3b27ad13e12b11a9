using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip.Registrar;

namespace PbxBridge.Calls.AgentStates;

/// <summary>
/// Keeps the PBX told of every agent's <see cref="AgentState"/>, so its queues ring only agents who can take a call.
/// Registrations and calls report "agent X may have changed"; one background loop derives X's state and publishes it
/// when it differs from what the PBX last accepted. Changes in a burst collapse into one request; a failed request is
/// retried with the agent's next change, and a reconnect of the PBX control connection publishes every agent again
/// (a restarted Asterisk or FreeSWITCH knows nothing of them).
/// </summary>
public sealed partial class AgentStateTracker : IAsyncDisposable
{
    private readonly IPbxAgentStatePublisher publisher;
    private readonly IRegistrationStore registrations;
    private readonly IReadOnlyList<string> agentIds;
    private readonly Func<IEnumerable<Call>> calls;
    private readonly ILogger logger;
    private readonly Channel<string?> pending = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stop = new();

    // What the PBX last accepted, per agent. Only the loop touches it.
    private readonly Dictionary<string, AgentState> published = new(StringComparer.Ordinal);
    private readonly Task loop;

    // True from a refused request until the next accepted one: a PBX that is down is reported once, not per agent.
    private bool failing;

    public AgentStateTracker(
        IPbxAgentStatePublisher publisher,
        IRegistrationStore registrations,
        IEnumerable<string> agentIds,
        Func<IEnumerable<Call>> calls,
        ILogger<AgentStateTracker> logger)
    {
        this.publisher = publisher;
        this.registrations = registrations;
        this.agentIds = [.. agentIds];
        this.calls = calls;
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    /// <summary>The agent's registrations or calls may have changed. Never blocks.</summary>
    public void OnAgentChanged(string agentId) => pending.Writer.TryWrite(agentId);

    /// <summary>The PBX control connection is (again) up: publish every agent, whatever was sent before.</summary>
    public void OnPbxConnected() => pending.Writer.TryWrite(null);

    /// <summary>The agent's state now, from its registrations and calls.</summary>
    public AgentState StateOf(string agentId)
    {
        var views = new List<(CallDirection, CallState, bool)>();
        foreach (var call in calls())
        {
            if (call.AgentId == agentId)
            {
                views.Add((call.Direction, call.State, call.HeldByAgent));
            }
        }

        return Derive(registrations.GetBindings(agentId).Count > 0, views);
    }

    /// <summary>
    /// Signed out without a registration, whatever the calls. Else a talking call (answered and not held, or one the
    /// agent is placing) makes it <see cref="AgentState.OnCall"/>; then a call ringing the agent
    /// <see cref="AgentState.Ringing"/>; then a held one <see cref="AgentState.OnHold"/>; else <see cref="AgentState.Free"/>.
    /// </summary>
    public static AgentState Derive(bool signedIn, IEnumerable<(CallDirection Direction, CallState State, bool Held)> agentCalls)
    {
        ArgumentNullException.ThrowIfNull(agentCalls);
        if (!signedIn)
        {
            return AgentState.SignedOut;
        }

        var ringing = false;
        var held = false;
        foreach (var (direction, state, isHeld) in agentCalls)
        {
            switch (state)
            {
                case CallState.Answered when !isHeld:
                case CallState.Setup or CallState.Ringing when direction == CallDirection.FromAgent:
                    return AgentState.OnCall;
                case CallState.Answered:
                    held = true;
                    break;
                case CallState.Setup or CallState.Ringing:
                    ringing = true;
                    break;
                default:
                    break;
            }
        }

        return ringing ? AgentState.Ringing : held ? AgentState.OnHold : AgentState.Free;
    }

    public async ValueTask DisposeAsync()
    {
        pending.Writer.TryComplete();
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var agentId in pending.Reader.ReadAllAsync(stop.Token))
        {
            if (agentId is null)
            {
                published.Clear();
                foreach (var id in agentIds)
                {
                    await PublishAsync(id);
                }
            }
            else
            {
                await PublishAsync(agentId);
            }
        }
    }

    private async Task PublishAsync(string agentId)
    {
        var state = StateOf(agentId);
        if (published.TryGetValue(agentId, out var last) && last == state)
        {
            return;
        }

        try
        {
            await publisher.PublishAgentStateAsync(agentId, state, stop.Token);
            published[agentId] = state;
            failing = false;
            LogPublished(agentId, state);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Sent again with the agent's next change, or with everyone's when the PBX connection comes back.
            published.Remove(agentId);
            if (!failing)
            {
                LogPublishFailed(agentId, state, e.Message);
            }

            failing = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "agent {Agent} is {State} toward the PBX")]
    private partial void LogPublished(string agent, AgentState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "agent {Agent}'s state {State} did not reach the PBX: {Error} (sent again with the next change or reconnect; further failures until one succeeds are not logged)")]
    private partial void LogPublishFailed(string agent, AgentState state, string error);
}
