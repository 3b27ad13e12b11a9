using PbxBridge.Sip.Auth;

namespace PbxBridge.Sip.Tests.Support;

/// <summary>Agents 1001 and 1002 with password "secret-1001" / "secret-1002" in realm "pbxbridge".</summary>
internal sealed class TestAgents : ISipAgentDirectory
{
    public string Realm => "pbxbridge";

    public static string PasswordOf(string agentId) => "secret-" + agentId;

    public bool TryGetAgent(string agentId, out SipAgentCredentials credentials)
    {
        if (agentId is "1001" or "1002")
        {
            credentials = new SipAgentCredentials(agentId, "Agent " + agentId,
                SipDigestHa1.ComputeMd5(agentId, Realm, PasswordOf(agentId)), SipDigestHa1.ComputeSha256(agentId, Realm, PasswordOf(agentId)));
            return true;
        }

        credentials = null!;
        return false;
    }
}
