namespace PbxBridge.Sip.Auth;

/// <summary>HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2). Agent passwords are stored only as
/// these two hashes; the host's config tooling and the demo compute them with this helper.</summary>
public static class SipDigestHa1
{
    public static string ComputeMd5(string agentId, string realm, string password) =>
        Compute(DigestAlgorithm.Md5, agentId, realm, password);

    public static string ComputeSha256(string agentId, string realm, string password) =>
        Compute(DigestAlgorithm.Sha256, agentId, realm, password);

    public static string Compute(DigestAlgorithm algorithm, string agentId, string realm, string password) =>
        DigestAlgorithms.HashHex(algorithm, agentId + ":" + realm + ":" + password);
}
