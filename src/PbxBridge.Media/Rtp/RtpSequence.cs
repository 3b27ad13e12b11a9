namespace PbxBridge.Media.Rtp;

/// <summary>
/// Serial-number arithmetic (RFC 1982) for 16-bit RTP sequence numbers and 32-bit timestamps: "newer" means
/// ahead by less than half the number space, so comparisons stay right across the wrap at 65535 -> 0.
/// </summary>
public static class RtpSequence
{
    /// <summary>How far <paramref name="to"/> is ahead of <paramref name="from"/>: negative when it is behind.</summary>
    public static int Distance(ushort from, ushort to) => (short)(ushort)(to - from);

    public static bool IsNewer(ushort candidate, ushort reference) => Distance(reference, candidate) > 0;

    /// <summary>Timestamp difference in clock units, negative when <paramref name="to"/> is earlier.</summary>
    public static int TimestampDistance(uint from, uint to) => (int)(to - from);

    public static bool IsNewerTimestamp(uint candidate, uint reference) => TimestampDistance(reference, candidate) > 0;
}
