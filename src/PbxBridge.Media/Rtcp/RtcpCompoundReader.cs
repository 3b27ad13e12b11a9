using System.Buffers.Binary;

namespace PbxBridge.Media.Rtcp;

/// <summary>
/// Walks the packets of a compound RTCP datagram (RFC 3550 §6.1) without copying. Every length is checked against
/// the datagram before use; the first malformed packet stops the walk and sets <see cref="IsMalformed"/>, so a
/// hostile datagram can never make the reader throw or read outside it.
/// </summary>
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    public RtcpCompoundReader(ReadOnlySpan<byte> datagram)
    {
        _data = datagram;
        _offset = 0;
        IsMalformed = false;
    }

    public bool IsMalformed { get; private set; }

    public bool TryReadNext(out RtcpPacket packet)
    {
        packet = default;
        if (IsMalformed || _offset >= _data.Length)
        {
            return false;
        }

        var remaining = _data[_offset..];
        if (remaining.Length < RtcpPacket.HeaderLength || remaining[0] >> 6 != 2)
        {
            IsMalformed = true;
            return false;
        }

        var length = 4 * (BinaryPrimitives.ReadUInt16BigEndian(remaining[2..]) + 1);
        if (length > remaining.Length)
        {
            IsMalformed = true;
            return false;
        }

        var data = remaining[..length];
        var end = length;
        if ((data[0] & 0x20) != 0)
        {
            // Only the last packet of a compound may be padded (RFC 3550 §6.4.1); its last octet counts the padding.
            var padding = data[^1];
            if (_offset + length != _data.Length || padding == 0 || padding > length - RtcpPacket.HeaderLength)
            {
                IsMalformed = true;
                return false;
            }

            end -= padding;
        }

        packet = new RtcpPacket(data, data[RtcpPacket.HeaderLength..end]);
        _offset += length;
        return true;
    }

    /// <summary>
    /// At least one RTCP packet, and every length and padding field consistent with the datagram: the framing check
    /// that holds for full compound packets and for RFC 5506 reduced-size ones (a lone feedback packet) alike.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        var packets = 0;
        while (reader.TryReadNext(out _))
        {
            packets++;
        }

        return packets > 0 && !reader.IsMalformed;
    }

    /// <summary>
    /// A compound packet as RFC 3550 §6.1 requires it from a conforming sender: well formed, and starting with
    /// SR or RR. (RFC 5506 reduced-size RTCP relaxes the second rule; callers that negotiated it skip this.)
    /// </summary>
    public static bool IsValidCompound(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        if (!reader.TryReadNext(out var first) || first.Type is not (RtcpPacketType.SenderReport or RtcpPacketType.ReceiverReport))
        {
            return false;
        }

        while (reader.TryReadNext(out _))
        {
        }

        return !reader.IsMalformed;
    }
}
