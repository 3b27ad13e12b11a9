using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// Agent states for app_queue: one ARI-controlled device state per agent, <c>Stasis:{app}-{agent}</c>, which a
/// queue member names as its state_interface (pbx-config/asterisk/queues_pbxbridge.conf). A Local channel member
/// alone tells app_queue nothing about the browser behind it; with ringinuse=no the queue skips a member whose device
/// is anything but NOT_INUSE.
/// </summary>
public sealed partial class AsteriskPbx : IPbxAgentStatePublisher
{
    /// <summary>
    /// The device app_queue watches for <paramref name="agentId"/>: "Stasis:pbxbridge-1001", named after the site's
    /// app (not a cluster node's), so the queue's state_interface is the same whichever node serves the agent.
    /// </summary>
    public string DeviceNameOf(string agentId) => "Stasis:" + Options.App + "-" + agentId;

    public Task PublishAgentStateAsync(string agentId, AgentState state, CancellationToken cancellationToken) =>
        Client.UpdateDeviceStateAsync(DeviceNameOf(agentId), DeviceStateOf(state), cancellationToken);

    /// <summary>Asterisk's device state names (ast_devstate_str) for an agent state.</summary>
    public static string DeviceStateOf(AgentState state) => state switch
    {
        AgentState.Free => "NOT_INUSE",
        AgentState.Ringing => "RINGING",
        AgentState.OnCall => "INUSE",
        AgentState.OnHold => "ONHOLD",
        _ => "UNAVAILABLE",
    };
}
