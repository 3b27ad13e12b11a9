using System.Buffers.Binary;

namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// RFC 4571 framing, which RFC 6544 §3 uses for ICE-TCP: each STUN, DTLS, RTP or RTCP packet on the TCP stream is
/// preceded by its length as a 16-bit big-endian number, so the stream carries the same packets a UDP socket would.
/// </summary>
public static class Rfc4571Frame
{
    public const int HeaderSize = 2;

    /// <summary>The length of the frame starting at <paramref name="stream"/>'s first byte, when its header is there.</summary>
    public static bool TryReadLength(ReadOnlySpan<byte> stream, out int length)
    {
        if (stream.Length < HeaderSize)
        {
            length = 0;
            return false;
        }

        length = BinaryPrimitives.ReadUInt16BigEndian(stream);
        return true;
    }

    /// <summary>Writes the header for a packet of <paramref name="length"/> bytes (at most 65535).</summary>
    public static void WriteHeader(Span<byte> destination, int length) =>
        BinaryPrimitives.WriteUInt16BigEndian(destination, checked((ushort)length));
}
