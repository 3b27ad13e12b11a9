using System.Net;

namespace PbxBridge.Configuration;

/// <summary>Section "Http": the one HTTPS endpoint that serves /sip (WSS), /phone, /healthz, /metrics and the admin API.</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>Address Kestrel binds to. The demo binds to loopback unless told otherwise.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8443;

    /// <summary>PFX or PEM certificate; empty = a self-signed one generated once and kept in the state directory.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>Password of a PFX certificate, or path to the private key of a PEM one.</summary>
    public string CertificatePassword { get; set; } = "";

    /// <summary>PEM private key file when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string CertificateKeyPath { get; set; } = "";

    /// <summary>Bearer token for the admin API (/api, /metrics) from other hosts.</summary>
    public string AdminToken { get; set; } = "";

    /// <summary>
    /// Whether a loopback caller may use the admin API without a token. Off by default: a reverse proxy or TCP
    /// forwarder on the same host makes every remote client look like loopback. The CLI does not need it: it reads
    /// the token the service writes to the state directory (<c>admin-token</c>, mode 0600).
    /// </summary>
    public bool TrustLoopback { get; set; }

    /// <summary>
    /// Web page origins (<c>https://crm.example.com</c>) allowed to open the SIP WebSocket, besides the service's own
    /// (the origin of the Host the browser connected to, i.e. /phone); <c>*</c> allows any. An upgrade without an
    /// Origin header is not from a web page (proxies, SIP libraries outside a browser) and is allowed.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Behind a front that sends the PROXY protocol version 2 (HAProxy <c>send-proxy-v2</c>): connections from
    /// <see cref="ProxyProtocolFronts"/> must open with its header, which gives the agent's own address for limits,
    /// auth throttling and logs. Off by default: without a front, a header would be a client's claim.
    /// </summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>The fronts' addresses or networks (<c>10.0.0.10</c>, <c>10.0.0.0/29</c>); others are served without a header.</summary>
    public string[] ProxyProtocolFronts { get; set; } = [];

    /// <summary>The front networks, parsed (a bare address is its own /32 or /128); invalid entries are left out.</summary>
    public IReadOnlyList<IPNetwork> ProxyProtocolFrontNetworks() =>
        [.. ProxyProtocolFronts.Select(ParseFront).OfType<IPNetwork>()];

    internal static IPNetwork? ParseFront(string front) =>
        IPNetwork.TryParse(front, out var network) ? network
        : IPAddress.TryParse(front, out var address) ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        : null;
}
