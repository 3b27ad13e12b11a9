using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// Agent states for mod_callcenter, over the event socket: the agent's status says whether it is signed in
/// ("Available" / "Logged Out"), its state whether it is free ("Waiting") or busy ("Idle": mod_callcenter offers no
/// call). A plain leg to PbxBridge tells mod_callcenter nothing about the browser behind it, so without this it offers
/// calls to agents on another call or signed out, and retries them. Agents named by <see cref="FreeSwitchOptions.CallcenterAgent"/>.
/// </summary>
public sealed partial class FreeSwitchPbx : IPbxAgentStatePublisher
{
    /// <summary>The mod_callcenter agent of <paramref name="agentId"/>: "1001@default".</summary>
    public string CallcenterAgentOf(string agentId) => _options.CallcenterAgent.Replace("{agent}", agentId, StringComparison.Ordinal);

    public async Task PublishAgentStateAsync(string agentId, AgentState state, CancellationToken cancellationToken)
    {
        var agent = CallcenterAgentOf(agentId);
        foreach (var (key, value) in CallcenterAgentSettingsOf(state))
        {
            var reply = (await ((IFreeSwitchApi)this).ApiAsync($"callcenter_config agent set {key} {agent} '{value}'", cancellationToken).ConfigureAwait(false)).Trim();
            if (reply.StartsWith("-ERR Agent not found", StringComparison.Ordinal) || reply.Contains("Command not found", StringComparison.Ordinal))
            {
                // Not a queue agent here (or no mod_callcenter at all): nothing to tell.
                return;
            }

            if (!reply.StartsWith("+OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"callcenter_config agent set {key} {agent} '{value}': {reply}");
            }
        }
    }

    /// <summary>
    /// What is set, in order. Busy sets only the state, so mod_callcenter's own bookkeeping of a queue call it offered
    /// (counters reset when the status becomes Available, its wrap-up time) is left alone.
    /// </summary>
    public static IReadOnlyList<(string Key, string Value)> CallcenterAgentSettingsOf(AgentState state) => state switch
    {
        AgentState.SignedOut => [("status", "Logged Out")],
        AgentState.Free => [("status", "Available"), ("state", "Waiting")],
        _ => [("state", "Idle")],
    };
}
