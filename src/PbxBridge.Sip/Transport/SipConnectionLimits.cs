namespace PbxBridge.Sip.Transport;

/// <summary>What one SIP WebSocket connection may hold of ours, whatever its message rate: the bytes queued toward it
/// and the time it may stay open without authenticating. Beyond either it is closed with 1008 (policy violation,
/// RFC 6455 §7.4.1), as Kamailio's tcp_conn_wq_max and its unauthenticated-connection lifetime do.</summary>
/// <param name="MaxSendQueueBytes">Bytes of SIP queued toward the peer (including the frame being written). A peer
/// that sends but never reads makes our answers pile up here; without a bound, memory grows until it closes.</param>
/// <param name="RegistrationDeadline">A connection on which no request has authenticated (REGISTER or INVITE)
/// within this long is closed; <see cref="TimeSpan.Zero"/> turns it off.</param>
public sealed record SipConnectionLimits(long MaxSendQueueBytes, TimeSpan RegistrationDeadline)
{
    /// <summary>256 KiB holds fifty INVITEs with their SDP, far more than an honest browser ever has in flight, and
    /// at least four answers to the largest message we accept; JsSIP and SIP.js register as soon as they connect, so
    /// 30 s leaves room for a slow network and a throttled (delayed) authentication.</summary>
    public static SipConnectionLimits Default => new(256 * 1024, TimeSpan.FromSeconds(30));

    /// <summary>How long a peer has to complete the close handshake after our 1008 before the TCP connection is
    /// aborted: a peer that does not read never sees our close frame.</summary>
    public static TimeSpan CloseGrace { get; } = TimeSpan.FromSeconds(5);
}
