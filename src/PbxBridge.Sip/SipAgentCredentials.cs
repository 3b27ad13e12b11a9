namespace PbxBridge.Sip;

/// <summary>An agent as the directory knows it: passwords exist only as HA1 hashes (see <see cref="Auth.SipDigestHa1"/>).</summary>
public sealed record SipAgentCredentials(string AgentId, string DisplayName, string Ha1Md5, string Ha1Sha256);
