using System.Buffers.Binary;

namespace PbxBridge.Media.Rtp;

/// <summary>Writes RTP packets (RFC 3550 §5.1) into a caller-provided buffer; returns the length, 0 if it does not fit.</summary>
public static class RtpPacketWriter
{
    /// <summary>Writes the 12-byte fixed header (version 2, no padding, no extension, no CSRC).</summary>
    public static int WriteHeader(Span<byte> destination, in RtpHeaderFields header)
    {
        if (destination.Length < RtpPacket.FixedHeaderLength)
        {
            return 0;
        }

        destination[0] = RtpPacket.Version2 << 6;
        destination[1] = (byte)((header.Marker ? 0x80 : 0) | (header.PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], header.SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], header.Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], header.Ssrc);
        return RtpPacket.FixedHeaderLength;
    }

    /// <summary>
    /// Writes a complete packet. <paramref name="extensionData"/> must be a whole number of 32-bit words;
    /// <paramref name="paddingLength"/> (0 or 1..255) octets of padding are appended with the P bit set.
    /// </summary>
    public static int Write(
        Span<byte> destination,
        in RtpHeaderFields header,
        ReadOnlySpan<byte> payload,
        ReadOnlySpan<uint> csrcs = default,
        ushort extensionProfile = 0,
        ReadOnlySpan<byte> extensionData = default,
        bool hasExtension = false,
        int paddingLength = 0)
    {
        if (csrcs.Length > 15)
        {
            throw new ArgumentException("RTP carries at most 15 CSRCs.", nameof(csrcs));
        }

        if (extensionData.Length % 4 != 0 || extensionData.Length / 4 > ushort.MaxValue)
        {
            throw new ArgumentException("RTP header extension data is counted in 32-bit words.", nameof(extensionData));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(paddingLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paddingLength, 255);

        var withExtension = hasExtension || !extensionData.IsEmpty;
        var length = RtpPacket.FixedHeaderLength + (4 * csrcs.Length) + (withExtension ? 4 + extensionData.Length : 0)
            + payload.Length + paddingLength;
        if (destination.Length < length)
        {
            return 0;
        }

        WriteHeader(destination, header);
        destination[0] |= (byte)((paddingLength > 0 ? 0x20 : 0) | (withExtension ? 0x10 : 0) | csrcs.Length);
        var offset = RtpPacket.FixedHeaderLength;
        foreach (var csrc in csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], csrc);
            offset += 4;
        }

        if (withExtension)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], extensionProfile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)(extensionData.Length / 4));
            extensionData.CopyTo(destination[(offset + 4)..]);
            offset += 4 + extensionData.Length;
        }

        payload.CopyTo(destination[offset..]);
        offset += payload.Length;
        if (paddingLength > 0)
        {
            destination.Slice(offset, paddingLength - 1).Clear();
            destination[offset + paddingLength - 1] = (byte)paddingLength;
            offset += paddingLength;
        }

        return offset;
    }
}
