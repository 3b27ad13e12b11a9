namespace PbxBridge.Configuration;

/// <summary>Section "Media": where browsers and the PBX send RTP, and how PbxBridge encodes toward each.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>The address advertised as the ICE host candidate: browsers must reach it over UDP.</summary>
    public string PublicAddress { get; set; } = "127.0.0.1";

    /// <summary>Address the browser-side UDP sockets bind to; empty = the public address.</summary>
    public string BrowserBindAddress { get; set; } = "";

    public int BrowserPortStart { get; set; } = 40000;

    public int BrowserPortEnd { get; set; } = 40999;

    /// <summary>Address of PbxBridge's PBX-side RTP sockets: what the PBX sends to (ARI external_host, SDP c=).</summary>
    public string PbxBindAddress { get; set; } = "127.0.0.1";

    public int PbxPortStart { get; set; } = 41000;

    public int PbxPortEnd { get; set; } = 41999;

    /// <summary>"ulaw" (PCMU, default), "alaw" (PCMA) or "slin16" (16 kHz linear, Asterisk only).</summary>
    public string PbxCodec { get; set; } = "ulaw";

    /// <summary>libopus encoder complexity 0-10 toward the browser: 5 is the usual quality/CPU balance.</summary>
    public int OpusComplexity { get; set; } = 5;

    public int OpusBitrate { get; set; } = 24000;

    /// <summary>Under overload (Limits:OverloadControl), each step lowers the Opus complexity by this much, toward 0.</summary>
    public int OverloadOpusComplexityStep { get; set; } = 2;

    public bool OpusInbandFec { get; set; } = true;

    public bool OpusDtx { get; set; }

    /// <summary>
    /// A TCP port for ICE-TCP media (RFC 6544 passive candidates, RFC 4571 framing) for agents whose network drops
    /// UDP; 0 = none. Browsers still prefer UDP when it works.
    /// </summary>
    public int IceTcpPort { get; set; }

    /// <summary>
    /// One UDP port for every browser leg (ICE demultiplexes them: by ufrag on the first check, by address after);
    /// 0 = one port per leg from BrowserPortStart-End.
    /// </summary>
    public int SingleUdpPort { get; set; }

    /// <summary>
    /// With SingleUdpPort: read it with recvmmsg and send each media loop's datagrams of a pass with one sendmmsg;
    /// false = one recvmsg / sendto per datagram (to measure the difference).
    /// </summary>
    public bool SingleUdpPortBatch { get; set; } = true;

    /// <summary>
    /// Offer ICE-TCP on the HTTPS port itself (Http:Port, 443 in production): a new connection whose first byte is
    /// not a TLS handshake is taken as media. An agent who can reach wss:// can then carry its audio too.
    /// </summary>
    public bool IceTcpOnHttpsPort { get; set; }

    /// <summary>
    /// TURN servers handed to agents with time-limited credentials (GET /api/ice-servers), as RTCIceServer urls:
    /// e.g. "turns:turn.example.com:443?transport=tcp", "turn:turn.example.com:3478". Empty = no TURN.
    /// </summary>
    public string[] TurnUrls { get; set; } = [];

    /// <summary>The TURN REST API shared secret (coturn's static-auth-secret): credentials are made with it, never stored.</summary>
    public string TurnSharedSecret { get; set; } = "";

    /// <summary>How long handed-out TURN credentials stay valid (seconds).</summary>
    public int TurnCredentialSeconds { get; set; } = 43200;

    /// <summary>Seconds without a valid ICE check before a browser leg is declared gone (RFC 7675 consent).</summary>
    public int ConsentTimeoutSeconds { get; set; } = 30;
}
