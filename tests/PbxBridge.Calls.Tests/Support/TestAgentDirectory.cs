using PbxBridge.Sip;
using PbxBridge.Sip.Auth;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>Agent 1001 with password <see cref="Password"/>, configured as production does: HA1 hashes only.</summary>
internal sealed class TestAgentDirectory : ISipAgentDirectory
{
    public const string AgentId = "1001";
    public const string Password = "agent-secret";

    public string Realm => "pbxbridge";

    public bool TryGetAgent(string agentId, out SipAgentCredentials credentials)
    {
        credentials = new SipAgentCredentials(
            AgentId, "Agent 1001", SipDigestHa1.ComputeMd5(AgentId, Realm, Password), SipDigestHa1.ComputeSha256(AgentId, Realm, Password));
        return agentId == AgentId;
    }
}
