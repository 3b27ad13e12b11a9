using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip;

namespace PbxBridge.Calls;

/// <summary>
/// How a call reaches its two parties: the PBX (legs placed and taken, agents' states toward its queues) and the SIP
/// stack with its agent directory (INVITEs to agents' browsers, who exists, display names). Handed to
/// <see cref="CallManager.Attach"/> once at start-up, because the SIP stack needs the manager as its call handler first.
/// </summary>
/// <param name="AgentStates">Publishes agents' states to the PBX's queues; null where the PBX has none (the demo).</param>
public sealed record CallSignalling(IPbx Pbx, SipStack Sip, ISipAgentDirectory Agents, AgentStateTracker? AgentStates = null)
{
    public string DisplayNameOf(string agentId) =>
        Agents.TryGetAgent(agentId, out var agent) && agent.DisplayName.Length > 0 ? agent.DisplayName : agentId;
}
