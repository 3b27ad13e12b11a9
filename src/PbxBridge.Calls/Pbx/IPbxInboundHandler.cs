namespace PbxBridge.Calls.Pbx;

/// <summary>Receives calls the PBX routes to a browser agent (Stasis(pbxbridge,agent=1001), sofia/pbxbridge/agent-1001).</summary>
public interface IPbxInboundHandler
{
    /// <summary>
    /// A new call for <see cref="InboundPbxCall.AgentId"/>. The handler either rejects it at once (agent unknown or not
    /// registered) or keeps it and later calls <see cref="InboundPbxCall.AnswerAsync"/> when the agent picks up.
    /// </summary>
    void OnInboundCall(InboundPbxCall call);

    /// <summary>The control connection went up (true) or down (false); for health and metrics.</summary>
    void OnControlConnectionChanged(bool connected);
}
