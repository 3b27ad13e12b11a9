namespace PbxBridge.Http.ProxyProtocol;

/// <summary>The low nibble of the version-and-command byte.</summary>
public enum ProxyCommand
{
    /// <summary>0x0: the proxy's own connection (health checks); the receiver keeps the real endpoints.</summary>
    Local = 0,

    /// <summary>0x1: relayed for a client whose addresses follow.</summary>
    Proxy = 1,
}
