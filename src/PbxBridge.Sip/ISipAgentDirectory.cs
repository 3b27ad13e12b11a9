namespace PbxBridge.Sip;

/// <summary>The agents allowed to register and call, and the digest realm their HA1 hashes were made for.</summary>
public interface ISipAgentDirectory
{
    bool TryGetAgent(string agentId, out SipAgentCredentials credentials);

    string Realm { get; }
}
