namespace PbxBridge.WebRtc.Transport;

/// <summary>What one datagram on a WebRTC 5-tuple is, by its first byte (RFC 7983 §7) and, for RTP/RTCP, its second (RFC 5761 §4).</summary>
public enum DatagramKind
{
    Unknown,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}
