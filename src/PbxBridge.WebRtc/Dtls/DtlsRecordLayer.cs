using System.Buffers.Binary;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// The framing of a DTLS 1.2 datagram (RFC 6347 §4.1, §4.1.1): one or more records, each a 13-byte header (content
/// type, version, epoch, sequence number, length) and exactly that many bytes, filling the datagram. Checked before
/// anything reaches BouncyCastle, so that garbage in the DTLS range of the first byte (RFC 7983: 20..63) is dropped
/// and counted by the receive loop instead of being copied, queued and silently discarded on the DTLS thread, and
/// cannot start a handshake thread of its own.
/// </summary>
public static class DtlsRecordLayer
{
    public const int HeaderLength = 13;

    /// <summary>RFC 6347 §4.1: DTLSCiphertext.length must not exceed 2^14 + 2048.</summary>
    public const int MaxFragmentLength = (1 << 14) + 2048;

    private const byte ChangeCipherSpec = 20;
    private const byte ApplicationData = 23;
    private const byte VersionMajor = 254;
    private const byte Dtls10Minor = 255;
    private const byte Dtls12Minor = 253;

    /// <summary>
    /// True when the datagram is a sequence of DTLS 1.0/1.2 records of the four content types DTLS-SRTP uses
    /// (change_cipher_spec, alert, handshake, application_data) whose lengths add up to the datagram exactly.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return false;
        }

        while (!datagram.IsEmpty)
        {
            if (datagram.Length < HeaderLength ||
                datagram[0] is < ChangeCipherSpec or > ApplicationData ||
                datagram[1] != VersionMajor || datagram[2] is not (Dtls10Minor or Dtls12Minor))
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
            if (length > MaxFragmentLength || HeaderLength + length > datagram.Length)
            {
                return false;
            }

            datagram = datagram[(HeaderLength + length)..];
        }

        return true;
    }
}
