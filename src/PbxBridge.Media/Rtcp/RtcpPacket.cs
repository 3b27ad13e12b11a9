using System.Buffers.Binary;

namespace PbxBridge.Media.Rtcp;

/// <summary>
/// One RTCP packet inside a compound packet (RFC 3550 §6.4): the common header (version, padding, a 5-bit count
/// whose meaning depends on the type, the type, the length in 32-bit words minus one) and its body.
/// </summary>
public readonly ref struct RtcpPacket
{
    public const int HeaderLength = 4;

    internal RtcpPacket(ReadOnlySpan<byte> data, ReadOnlySpan<byte> body)
    {
        Data = data;
        Body = body;
    }

    /// <summary>The whole packet, header and padding included.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>What follows the 4-byte header, without padding.</summary>
    public ReadOnlySpan<byte> Body { get; }

    public bool HasPadding => (Data[0] & 0x20) != 0;

    /// <summary>Report count (SR/RR), source count (SDES/BYE) or subtype (APP).</summary>
    public int Count => Data[0] & 0x1F;

    public RtcpPacketType Type => (RtcpPacketType)Data[1];

    /// <summary>Writes a common header for a packet of <paramref name="totalLength"/> bytes (a multiple of 4).</summary>
    internal static void WriteHeader(Span<byte> destination, int count, RtcpPacketType type, int totalLength)
    {
        destination[0] = (byte)(0x80 | (count & 0x1F));
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((totalLength / 4) - 1));
    }
}
