namespace PbxBridge.Media.Rtcp;

/// <summary>The sender info section of an SR (RFC 3550 §6.4.1): NTP and RTP time of the same instant, and counts.</summary>
public readonly record struct RtcpSenderInfo(ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    public const int Length = 20;

    /// <summary>The middle 32 bits of the NTP timestamp: what a receiver echoes as LSR.</summary>
    public uint CompactNtp => (uint)(NtpTimestamp >> 16);
}
