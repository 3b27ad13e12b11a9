using System.Net;

namespace PbxBridge.WebRtc;

/// <summary>A snapshot of one browser leg's counters, for the admin API, metrics and tests.</summary>
public sealed record WebRtcStatistics
{
    public long PacketsReceived { get; init; }
    public long RtpPacketsDelivered { get; init; }
    public long RtcpPacketsReceived { get; init; }
    public long RtpPacketsSent { get; init; }
    public long SrtpAuthenticationFailures { get; init; }
    public long SrtpReplaysDropped { get; init; }
    public long SrtpMalformed { get; init; }
    public long SrtcpAuthenticationFailures { get; init; }
    public long SrtcpReplaysDropped { get; init; }
    public long SrtcpMalformed { get; init; }

    /// <summary>SRTCP that authenticated but is not a well-formed sequence of RTCP packets (RFC 3550 §6.1).</summary>
    public long RtcpMalformed { get; init; }
    public long StunBadIntegrity { get; init; }

    /// <summary>STUN-range datagrams that are not a well-formed Binding request (malformed, responses, indications).</summary>
    public long StunIgnored { get; init; }

    /// <summary>DTLS-range datagrams whose record framing is broken (RFC 6347 §4.1): never handed to BouncyCastle.</summary>
    public long DtlsMalformed { get; init; }
    public long StunErrorResponses { get; init; }

    /// <summary>Binding requests without our credentials (no USERNAME / MESSAGE-INTEGRITY, another ufrag): unanswered.</summary>
    public long StunUnauthenticated { get; init; }

    /// <summary>Verified checks replayed from another address (a transaction id already seen): unanswered, media stays.</summary>
    public long StunReplayed { get; init; }
    public long StunValidChecks { get; init; }
    public long DroppedBeforeConnected { get; init; }
    public long DroppedFromUnverifiedAddress { get; init; }
    public long UnknownDatagrams { get; init; }
    public long SendsDroppedNotConnected { get; init; }
    public long SendsDroppedByDirection { get; init; }
    public long ReceiveErrors { get; init; }
    public IPEndPoint? SelectedRemote { get; init; }

    /// <summary>How media reaches the selected remote: "udp", or "tcp" for an ICE-TCP connection (RFC 6544); null before nomination.</summary>
    public string? SelectedProtocol { get; init; }

    /// <summary>ICE-TCP connections the browser opened to this leg (RFC 6544), closed ones included.</summary>
    public long IceTcpConnections { get; init; }

    /// <summary>Packets dropped because an ICE-TCP connection's send buffer was full or the connection closed.</summary>
    public long IceTcpSendsDropped { get; init; }
    public string DtlsState { get; init; } = "new";
    public string? DtlsRole { get; init; }
    public string? DtlsCipher { get; init; }
    public string? SrtpCipher { get; init; }
}
