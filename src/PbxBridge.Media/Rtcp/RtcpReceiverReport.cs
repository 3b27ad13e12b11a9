using System.Buffers.Binary;

namespace PbxBridge.Media.Rtcp;

/// <summary>RR (RFC 3550 §6.4.2): reporter SSRC then Count report blocks.</summary>
public readonly ref struct RtcpReceiverReport
{
    private readonly ReadOnlySpan<byte> _blocks;

    private RtcpReceiverReport(uint ssrc, ReadOnlySpan<byte> blocks, int count)
    {
        Ssrc = ssrc;
        _blocks = blocks;
        ReportCount = count;
    }

    public uint Ssrc { get; }
    public int ReportCount { get; }

    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        RtcpReportBlock.TryRead(_blocks[(index * RtcpReportBlock.Length)..], out var block);
        return block;
    }

    public static bool TryParse(RtcpPacket packet, out RtcpReceiverReport report)
    {
        report = default;
        var body = packet.Body;
        var needed = 4 + (packet.Count * RtcpReportBlock.Length);
        if (packet.Type != RtcpPacketType.ReceiverReport || body.Length < needed)
        {
            return false;
        }

        report = new RtcpReceiverReport(BinaryPrimitives.ReadUInt32BigEndian(body), body[4..needed], packet.Count);
        return true;
    }

    public static int Write(Span<byte> destination, uint ssrc, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        if (blocks.Length > 31)
        {
            throw new ArgumentException("An RR carries at most 31 report blocks.", nameof(blocks));
        }

        var length = RtcpPacket.HeaderLength + 4 + (blocks.Length * RtcpReportBlock.Length);
        if (destination.Length < length)
        {
            return 0;
        }

        RtcpPacket.WriteHeader(destination, blocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        var offset = 8;
        foreach (var block in blocks)
        {
            block.Write(destination[offset..]);
            offset += RtcpReportBlock.Length;
        }

        return length;
    }
}
