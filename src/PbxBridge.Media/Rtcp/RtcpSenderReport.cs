using System.Buffers.Binary;

namespace PbxBridge.Media.Rtcp;

/// <summary>SR (RFC 3550 §6.4.1): sender SSRC, sender info, then Count report blocks (and possibly extensions, skipped).</summary>
public readonly ref struct RtcpSenderReport
{
    private readonly ReadOnlySpan<byte> _blocks;

    private RtcpSenderReport(uint ssrc, RtcpSenderInfo info, ReadOnlySpan<byte> blocks, int count)
    {
        Ssrc = ssrc;
        SenderInfo = info;
        _blocks = blocks;
        ReportCount = count;
    }

    public uint Ssrc { get; }
    public RtcpSenderInfo SenderInfo { get; }
    public int ReportCount { get; }

    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        RtcpReportBlock.TryRead(_blocks[(index * RtcpReportBlock.Length)..], out var block);
        return block;
    }

    public static bool TryParse(RtcpPacket packet, out RtcpSenderReport report)
    {
        report = default;
        var body = packet.Body;
        var needed = 4 + RtcpSenderInfo.Length + (packet.Count * RtcpReportBlock.Length);
        if (packet.Type != RtcpPacketType.SenderReport || body.Length < needed)
        {
            return false;
        }

        var info = new RtcpSenderInfo(
            BinaryPrimitives.ReadUInt64BigEndian(body[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[20..]));
        report = new RtcpSenderReport(BinaryPrimitives.ReadUInt32BigEndian(body), info, body[(4 + RtcpSenderInfo.Length)..needed], packet.Count);
        return true;
    }

    /// <summary>Writes an SR; returns its length or 0 if it does not fit (at most 31 report blocks).</summary>
    public static int Write(Span<byte> destination, uint ssrc, in RtcpSenderInfo info, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        if (blocks.Length > 31)
        {
            throw new ArgumentException("An SR carries at most 31 report blocks.", nameof(blocks));
        }

        var length = RtcpPacket.HeaderLength + 4 + RtcpSenderInfo.Length + (blocks.Length * RtcpReportBlock.Length);
        if (destination.Length < length)
        {
            return 0;
        }

        RtcpPacket.WriteHeader(destination, blocks.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], info.NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], info.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], info.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], info.OctetCount);
        var offset = 28;
        foreach (var block in blocks)
        {
            block.Write(destination[offset..]);
            offset += RtcpReportBlock.Length;
        }

        return length;
    }
}
