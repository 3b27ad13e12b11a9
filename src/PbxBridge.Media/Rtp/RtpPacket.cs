using System.Buffers.Binary;

namespace PbxBridge.Media.Rtp;

/// <summary>
/// A read-only view of one RTP packet (RFC 3550 §5.1) over the caller's buffer: nothing is copied, so the view is
/// only valid while that buffer is. <see cref="TryParse(ReadOnlySpan{byte}, out RtpPacket, out RtpParseError)"/>
/// validates every length field before any of them is used, so a hostile datagram yields an error, never an exception.
/// </summary>
public readonly ref struct RtpPacket
{
    public const int FixedHeaderLength = 12;
    public const int Version2 = 2;

    private readonly ReadOnlySpan<byte> _data;

    private RtpPacket(ReadOnlySpan<byte> data, int headerLength, int payloadLength, int extensionOffset, int extensionLength)
    {
        _data = data;
        HeaderLength = headerLength;
        PayloadLength = payloadLength;
        ExtensionOffset = extensionOffset;
        ExtensionLength = extensionLength;
    }

    public bool HasPadding => (_data[0] & 0x20) != 0;
    public bool HasExtension => (_data[0] & 0x10) != 0;
    public int CsrcCount => _data[0] & 0x0F;
    public bool Marker => (_data[1] & 0x80) != 0;
    public byte PayloadType => (byte)(_data[1] & 0x7F);
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_data[2..]);
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_data[8..]);

    /// <summary>Fixed header + CSRC list + header extension: where the payload starts.</summary>
    public int HeaderLength { get; }
    public int PayloadLength { get; }

    /// <summary>Offset of the extension's 4-byte header (profile, length) or -1.</summary>
    private int ExtensionOffset { get; }
    private int ExtensionLength { get; }

    /// <summary>The 16-bit "defined by profile" field of the header extension (0xBEDE for RFC 8285 one-byte headers).</summary>
    public ushort ExtensionProfile => ExtensionOffset < 0 ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(_data[ExtensionOffset..]);

    /// <summary>The extension's data words, without its 4-byte header; empty when there is none.</summary>
    public ReadOnlySpan<byte> ExtensionData => ExtensionOffset < 0 ? default : _data.Slice(ExtensionOffset + 4, ExtensionLength);

    public ReadOnlySpan<byte> Payload => _data.Slice(HeaderLength, PayloadLength);

    /// <summary>The whole packet as received, padding included.</summary>
    public ReadOnlySpan<byte> Data => _data;

    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_data[(FixedHeaderLength + (4 * index))..]);
    }

    public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet) => TryParse(data, out packet, out _);

    public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet, out RtpParseError error)
    {
        packet = default;
        if (data.Length < FixedHeaderLength)
        {
            error = RtpParseError.TooShortForFixedHeader;
            return false;
        }

        if (data[0] >> 6 != Version2)
        {
            error = RtpParseError.UnsupportedVersion;
            return false;
        }

        var offset = FixedHeaderLength + (4 * (data[0] & 0x0F));
        if (offset > data.Length)
        {
            error = RtpParseError.CsrcListPastEnd;
            return false;
        }

        var extensionOffset = -1;
        var extensionLength = 0;
        if ((data[0] & 0x10) != 0)
        {
            if (offset + 4 > data.Length)
            {
                error = RtpParseError.ExtensionPastEnd;
                return false;
            }

            extensionOffset = offset;
            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            offset += 4 + extensionLength;
            if (offset > data.Length)
            {
                error = RtpParseError.ExtensionPastEnd;
                return false;
            }
        }

        var end = data.Length;
        if ((data[0] & 0x20) != 0)
        {
            // The last octet counts the padding octets, itself included (RFC 3550 §5.1): 0 or past the header is forged.
            var padding = data[^1];
            if (padding == 0 || end - padding < offset)
            {
                error = RtpParseError.PaddingInvalid;
                return false;
            }

            end -= padding;
        }

        packet = new RtpPacket(data, offset, end - offset, extensionOffset, extensionLength);
        error = RtpParseError.None;
        return true;
    }
}
