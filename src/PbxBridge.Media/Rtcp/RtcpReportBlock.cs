using System.Buffers.Binary;

namespace PbxBridge.Media.Rtcp;

/// <summary>
/// One reception report block (RFC 3550 §6.4.1), 24 octets: the reportee's SSRC, fraction lost (8-bit fixed
/// point), cumulative lost (24-bit signed), extended highest sequence number, interarrival jitter, LSR and DLSR.
/// </summary>
public readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequenceNumber,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    public const int Length = 24;

    public static bool TryRead(ReadOnlySpan<byte> data, out RtcpReportBlock block)
    {
        if (data.Length < Length)
        {
            block = default;
            return false;
        }

        var lost = (data[5] << 16) | (data[6] << 8) | data[7];
        if ((lost & 0x800000) != 0)
        {
            lost -= 1 << 24;
        }

        block = new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(data),
            data[4],
            lost,
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[20..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        destination[4] = FractionLost;

        // Clamped to the 24-bit signed range, as RFC 3550 A.3 does.
        var lost = Math.Clamp(CumulativeLost, -(1 << 23), (1 << 23) - 1);
        destination[5] = (byte)(lost >> 16);
        destination[6] = (byte)(lost >> 8);
        destination[7] = (byte)lost;
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
    }
}
