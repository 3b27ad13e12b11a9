namespace PbxBridge.Configuration;

/// <summary>One entry of the "Agents" directory. The password exists only as HA1 hashes (RFC 8760), never in clear.</summary>
public sealed class AgentOptions
{
    public string Id { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>MD5(id ":" realm ":" password), lower-case hex.</summary>
    public string Ha1Md5 { get; set; } = "";

    /// <summary>SHA-256(id ":" realm ":" password), lower-case hex.</summary>
    public string Ha1Sha256 { get; set; } = "";

    /// <summary>Bound only to be refused: a password in clear in the configuration is never used, and an entry with one
    /// used to start with the key silently ignored, leaving the secret on disk looking as if it mattered.</summary>
    public string? Password { get; set; }
}
