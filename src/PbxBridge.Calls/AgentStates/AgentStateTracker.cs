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
/// <para>
/// On a cluster node (given an <see cref="IPbxAgentLocationPublisher"/>) the same loop also tells the PBX which node
/// serves the agent, and speaks only for agents registered here: every registration (refreshes too) says "here"
/// before the state; an agent whose last registration here goes is withdrawn, and its SignedOut is published only
/// when the PBX still pointed at this node, because another node that took the agent meanwhile owns its state now. A
/// reconnect withdraws every agent not registered here (pointers this node left behind when it died are cleaned when
/// it comes back) and leaves the other nodes' agents alone.
/// </para>
/// </summary>
public sealed partial class AgentStateTracker : IAsyncDisposable
{
    private readonly IPbxAgentStatePublisher publisher;
    private readonly IPbxAgentLocationPublisher? location;
    private readonly IRegistrationStore registrations;
    private readonly IReadOnlyList<string> agentIds;
    private readonly Func<IEnumerable<Call>> calls;
    private readonly ILogger logger;
    private readonly Channel<Work> pending = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stop = new();

    // What the PBX last accepted, per agent. Only the loop touches it.
    private readonly Dictionary<string, AgentState> published = new(StringComparer.Ordinal);

    // Cluster: agents the PBX was told this node serves (and not yet withdrawn). Only the loop touches it.
    private readonly HashSet<string> here = new(StringComparer.Ordinal);
    private readonly Task loop;

    // True from a refused request until the next accepted one: a PBX that is down is reported once, not per agent.
    private bool failing;

    public AgentStateTracker(
        IPbxAgentStatePublisher publisher,
        IRegistrationStore registrations,
        IEnumerable<string> agentIds,
        Func<IEnumerable<Call>> calls,
        ILogger<AgentStateTracker> logger,
        IPbxAgentLocationPublisher? location = null)
    {
        this.publisher = publisher;
        this.location = location;
        this.registrations = registrations;
        this.agentIds = [.. agentIds];
        this.calls = calls;
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    private enum Reason
    {
        /// <summary>A call of the agent changed.</summary>
        Changed,

        /// <summary>The agent's registrations here changed (REGISTER, refresh, unREGISTER, expiry, flow closed).</summary>
        Registration,

        /// <summary>The PBX control connection is (again) up: everyone.</summary>
        Everyone,

        /// <summary>This node stops: withdraw every agent still published here.</summary>
        Shutdown,
    }

    /// <summary>The agent's calls may have changed. Never blocks.</summary>
    public void OnAgentChanged(string agentId) => pending.Writer.TryWrite(new Work(agentId, Reason.Changed));

    /// <summary>
    /// The agent's registrations on this node changed (<see cref="RegistrationChangeNotifier.Changed"/>). Never blocks.
    /// On a cluster node a registration (or its refresh) says "here" again, which also mends a pointer another node
    /// removed in a race.
    /// </summary>
    public void OnAgentRegistrationChanged(string agentId) => pending.Writer.TryWrite(new Work(agentId, Reason.Registration));

    /// <summary>The PBX control connection is (again) up: publish every agent, whatever was sent before.</summary>
    public void OnPbxConnected() => pending.Writer.TryWrite(new Work(null, Reason.Everyone));

    /// <summary>
    /// Before shutdown: handles what is queued (the agents whose connections just closed), withdraws every agent
    /// still published on this node, and stops the loop. Gives up after <paramref name="timeout"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        pending.Writer.TryWrite(new Work(null, Reason.Shutdown));
        pending.Writer.TryComplete();
        try
        {
            await loop.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogStopSlow((int)timeout.TotalSeconds);
        }
        catch (OperationCanceledException)
        {
        }
    }

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
        await foreach (var work in pending.Reader.ReadAllAsync(stop.Token))
        {
            switch (work.Reason)
            {
                case Reason.Everyone:
                    published.Clear();
                    foreach (var id in agentIds)
                    {
                        await UpdateAsync(id, work.Reason);
                    }

                    break;
                case Reason.Shutdown:
                    foreach (var id in here.ToArray())
                    {
                        await WithdrawAsync(id);
                    }

                    break;
                default:
                    await UpdateAsync(work.AgentId!, work.Reason);
                    break;
            }
        }
    }

    private async Task UpdateAsync(string agentId, Reason reason)
    {
        var state = StateOf(agentId);
        if (location is not null)
        {
            if (state == AgentState.SignedOut)
            {
                // Never said "here" for it: another node's agent, or nobody's. After a reconnect ask anyway: this node
                // may have died with the PBX pointing at it.
                if (here.Contains(agentId) || reason == Reason.Everyone)
                {
                    await WithdrawAsync(agentId);
                }

                return;
            }

            if ((reason != Reason.Changed || !here.Contains(agentId)) && !await SayHereAsync(agentId))
            {
                return;
            }
        }

        await PublishAsync(agentId, state);
    }

    private async Task<bool> SayHereAsync(string agentId)
    {
        try
        {
            await location!.PublishAgentHereAsync(agentId, stop.Token);
            here.Add(agentId);
            failing = false;
            LogHere(agentId);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not "here": the agent's next change (its next REGISTER refresh at the latest) or a reconnect tries again.
            here.Remove(agentId);
            ReportFailure(agentId, "location", e.Message);
            return false;
        }
    }

    /// <summary>Withdraws the agent from this node; publishes it signed out only if the PBX still pointed here.</summary>
    private async Task WithdrawAsync(string agentId)
    {
        bool wasHere;
        try
        {
            wasHere = await location!.WithdrawAgentAsync(agentId, stop.Token);
            failing = false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Stays in `here`: the agent's next change or a reconnect withdraws it again.
            ReportFailure(agentId, "withdrawal", e.Message);
            return;
        }

        here.Remove(agentId);
        if (!wasHere)
        {
            // Another node serves it now (or nobody did): its state is that node's to publish.
            published.Remove(agentId);
            return;
        }

        LogWithdrawn(agentId);
        published.Remove(agentId);
        await PublishAsync(agentId, AgentState.SignedOut);
    }

    private async Task PublishAsync(string agentId, AgentState state)
    {
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
            ReportFailure(agentId, state.ToString(), e.Message);
        }
    }

    private void ReportFailure(string agentId, string what, string error)
    {
        if (!failing)
        {
            LogPublishFailed(agentId, what, error);
        }

        failing = true;
    }

    private readonly record struct Work(string? AgentId, Reason Reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "agent {Agent}: the PBX routes its calls to this node")]
    private partial void LogHere(string agent);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} withdrawn from this node: the PBX no longer routes its calls here")]
    private partial void LogWithdrawn(string agent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "agent states: the loop did not finish within {Seconds} s at shutdown; agents still published here are withdrawn by this node's next start")]
    private partial void LogStopSlow(int seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "agent {Agent} is {State} toward the PBX")]
    private partial void LogPublished(string agent, AgentState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "agent {Agent}'s {What} did not reach the PBX: {Error} (sent again with the next change or reconnect; further failures until one succeeds are not logged)")]
    private partial void LogPublishFailed(string agent, string what, string error);
}
