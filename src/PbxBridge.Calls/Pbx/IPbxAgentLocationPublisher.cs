namespace PbxBridge.Calls.Pbx;

/// <summary>
/// A PBX adapter that, when PbxBridge runs as several nodes in front of one PBX, tells the PBX which node serves an
/// agent, so the PBX's calls to that agent reach the node where its browser is registered (Asterisk: an AstDB key
/// naming the node's ARI application, read by the shipped dialplan's Stasis(); FreeSWITCH: the node's SIP address).
/// Driven by <see cref="AgentStates.AgentStateTracker"/>: on every registration of an agent on this node, after every
/// (re)connect of the PBX control connection, and when the agent's last registration here goes (unREGISTER, expiry,
/// WebSocket closed, shutdown). A single node (no Cluster:NodeId) does not use it.
/// </summary>
public interface IPbxAgentLocationPublisher
{
    /// <summary>
    /// The agent is registered on this node: the PBX routes its calls here from now on, whichever node it named
    /// before (the agent moved). Idempotent; throws when the PBX refused it or cannot be reached.
    /// </summary>
    Task PublishAgentHereAsync(string agentId, CancellationToken cancellationToken);

    /// <summary>
    /// The agent has no registration left on this node. Removes the PBX's pointer only if it still names this node
    /// (another node may have taken the agent meanwhile, and its pointer must stay). Returns true when it named this
    /// node and no longer does: the caller may then also tell the PBX the agent is signed out; false when it named
    /// another node or none. Throws when the PBX cannot be reached.
    /// </summary>
    Task<bool> WithdrawAgentAsync(string agentId, CancellationToken cancellationToken);
}
