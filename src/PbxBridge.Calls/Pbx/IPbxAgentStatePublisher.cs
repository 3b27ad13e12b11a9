using PbxBridge.Calls.AgentStates;

namespace PbxBridge.Calls.Pbx;

/// <summary>
/// A PBX adapter that can tell its queues an agent's state (Asterisk: the device state of the queue member's
/// state_interface; FreeSWITCH: the mod_callcenter agent's status and state). Adapters without queues do not implement it.
/// </summary>
public interface IPbxAgentStatePublisher
{
    /// <summary>Sets the agent's state on the PBX; throws when the PBX refused it or cannot be reached.</summary>
    Task PublishAgentStateAsync(string agentId, AgentState state, CancellationToken cancellationToken);
}
