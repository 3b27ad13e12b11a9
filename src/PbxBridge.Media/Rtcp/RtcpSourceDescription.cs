using System.Buffers.Binary;

namespace PbxBridge.Media.Rtcp;

/// <summary>
/// SDES (RFC 3550 §6.5): Count chunks, each an SSRC followed by (type, length, text) items ended by a zero octet
/// and padded to a 32-bit boundary. We send one chunk with a CNAME, which is all RTP requires of us.
/// </summary>
public static class RtcpSourceDescription
{
    public const byte EndItem = 0;
    public const byte CnameItem = 1;

    /// <summary>Writes an SDES with one chunk holding a CNAME (at most 255 octets of UTF-8); returns the length or 0.</summary>
    public static int WriteCname(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname)
    {
        if (cname.Length > 255)
        {
            throw new ArgumentException("An SDES item holds at most 255 octets.", nameof(cname));
        }

        // SSRC + type + length + text + at least one end octet, padded to a multiple of 4.
        var chunk = (4 + 2 + cname.Length + 1 + 3) & ~3;
        var length = RtcpPacket.HeaderLength + chunk;
        if (destination.Length < length)
        {
            return 0;
        }

        RtcpPacket.WriteHeader(destination, 1, RtcpPacketType.SourceDescription, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = CnameItem;
        destination[9] = (byte)cname.Length;
        cname.CopyTo(destination[10..]);
        destination[(10 + cname.Length)..length].Clear();
        return length;
    }

    /// <summary>Finds the CNAME of <paramref name="ssrc"/>; false when absent or when the chunks are malformed.</summary>
    public static bool TryGetCname(RtcpPacket packet, uint ssrc, out ReadOnlySpan<byte> cname)
    {
        cname = default;
        if (packet.Type != RtcpPacketType.SourceDescription)
        {
            return false;
        }

        var body = packet.Body;
        var offset = 0;
        for (var chunk = 0; chunk < packet.Count; chunk++)
        {
            if (offset + 4 > body.Length)
            {
                return false;
            }

            var chunkSsrc = BinaryPrimitives.ReadUInt32BigEndian(body[offset..]);
            offset += 4;
            while (true)
            {
                if (offset >= body.Length)
                {
                    return false;
                }

                var type = body[offset];
                if (type == EndItem)
                {
                    // The end octet plus padding up to the next 32-bit boundary.
                    offset = (offset + 4) & ~3;
                    break;
                }

                if (offset + 2 > body.Length || offset + 2 + body[offset + 1] > body.Length)
                {
                    return false;
                }

                var text = body.Slice(offset + 2, body[offset + 1]);
                if (type == CnameItem && chunkSsrc == ssrc)
                {
                    cname = text;
                    return true;
                }

                offset += 2 + text.Length;
            }
        }

        return false;
    }
}
