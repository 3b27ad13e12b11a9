using System.Buffers.Binary;

namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// Just enough of RFC 3550 §5.1 to find where an RTP payload starts: the fixed 12 bytes, the CSRC list and the
/// header extension all stay in the clear under SRTP.
/// </summary>
internal static class RtpHeaderLength
{
    public const int Fixed = 12;

    public static int Of(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Fixed || (packet[0] >> 6) != 2)
        {
            return -1;
        }

        var length = Fixed + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return -1;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        return length <= packet.Length ? length : -1;
    }
}
