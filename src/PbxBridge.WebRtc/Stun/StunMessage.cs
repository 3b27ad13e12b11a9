using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PbxBridge.WebRtc.Stun;

/// <summary>
/// A parsed STUN message (RFC 8489 §5, §14) viewed in place over the datagram: nothing is copied and nothing
/// allocated, so the per-call receive loop can answer consent checks without garbage.
/// Attributes that follow MESSAGE-INTEGRITY are ignored except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT,
/// and nothing after FINGERPRINT is read (§14.5, §14.7).
/// </summary>
public readonly ref struct StunMessage
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;

    // A check from a browser is a few hundred bytes; anything this large is not ICE and is not worth hashing.
    private const int MaxIntegrityPrefix = 2048;

    private readonly ReadOnlySpan<byte> _message;
    private readonly int _attributesEnd;
    private readonly int _integrityOffset;
    private readonly int _integritySha256Offset;
    private readonly int _fingerprintOffset;

    private StunMessage(ReadOnlySpan<byte> message, int attributesEnd, int integrity, int integritySha256, int fingerprint)
    {
        _message = message;
        _attributesEnd = attributesEnd;
        _integrityOffset = integrity;
        _integritySha256Offset = integritySha256;
        _fingerprintOffset = fingerprint;
    }

    public ushort MessageType => BinaryPrimitives.ReadUInt16BigEndian(_message);

    public ushort Method => StunMessageType.MethodOf(MessageType);

    public StunClass Class => StunMessageType.ClassOf(MessageType);

    public ReadOnlySpan<byte> TransactionId => _message.Slice(8, 12);

    /// <summary>The whole message, header included, without trailing datagram bytes.</summary>
    public ReadOnlySpan<byte> Raw => _message;

    public bool HasMessageIntegrity => _integrityOffset >= 0;

    public bool HasMessageIntegritySha256 => _integritySha256Offset >= 0;

    public bool HasFingerprint => _fingerprintOffset >= 0;

    /// <summary>RFC 7983: a STUN message starts with a byte in 0..3; the cookie then tells it apart from noise.</summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] < 4 &&
        BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie;

    /// <summary>Parses the framing and locates the integrity attributes; false for anything malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        if (!LooksLikeStun(datagram))
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if ((length & 3) != 0 || HeaderLength + length > datagram.Length)
        {
            return false;
        }

        var raw = datagram[..(HeaderLength + length)];
        int integrity = -1, integritySha256 = -1, fingerprint = -1;
        var attributesEnd = raw.Length;
        var offset = HeaderLength;
        while (offset < raw.Length)
        {
            if (offset + 4 > raw.Length)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(raw[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(raw[(offset + 2)..]);
            var next = offset + 4 + ((valueLength + 3) & ~3);
            if (next > raw.Length)
            {
                return false;
            }

            if (fingerprint >= 0)
            {
                break;
            }

            if (type == StunAttributeType.Fingerprint)
            {
                if (valueLength != 4)
                {
                    return false;
                }

                fingerprint = offset;
                attributesEnd = Math.Min(attributesEnd, offset);
            }
            else if (type == StunAttributeType.MessageIntegrity && integrity < 0 && integritySha256 < 0)
            {
                if (valueLength != 20)
                {
                    return false;
                }

                integrity = offset;
                attributesEnd = offset;
            }
            else if (type == StunAttributeType.MessageIntegritySha256 && integritySha256 < 0)
            {
                // §14.6: the value may be truncated to no less than 16 bytes, in steps of 4.
                if (valueLength < 16 || valueLength > 32 || (valueLength & 3) != 0)
                {
                    return false;
                }

                integritySha256 = offset;
                attributesEnd = Math.Min(attributesEnd, offset);
            }

            offset = next;
        }

        message = new StunMessage(raw, attributesEnd, integrity, integritySha256, fingerprint);
        return true;
    }

    /// <summary>Finds the first attribute of a type among those before MESSAGE-INTEGRITY.</summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        var offset = HeaderLength;
        while (offset + 4 <= _attributesEnd)
        {
            var attributeType = BinaryPrimitives.ReadUInt16BigEndian(_message[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(_message[(offset + 2)..]);
            if (attributeType == type)
            {
                value = _message.Slice(offset + 4, valueLength);
                return true;
            }

            offset += 4 + ((valueLength + 3) & ~3);
        }

        value = default;
        return false;
    }

    public bool HasAttribute(ushort type) => TryGetAttribute(type, out _);

    /// <summary>RFC 8489 §14.5: HMAC-SHA1 keyed with the short-term password (ICE) or the long-term key.</summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key) =>
        _integrityOffset >= 0 && VerifyHmac(_integrityOffset, key, sha256: false);

    /// <summary>RFC 8489 §14.6: the same over HMAC-SHA256, possibly truncated.</summary>
    public bool VerifyMessageIntegritySha256(ReadOnlySpan<byte> key) =>
        _integritySha256Offset >= 0 && VerifyHmac(_integritySha256Offset, key, sha256: true);

    /// <summary>Either integrity attribute, whichever the sender used, must verify.</summary>
    public bool VerifyAnyMessageIntegrity(ReadOnlySpan<byte> key) =>
        HasMessageIntegritySha256 ? VerifyMessageIntegritySha256(key) : VerifyMessageIntegrity(key);

    /// <summary>RFC 8489 §14.7: CRC-32 of everything before FINGERPRINT, XORed with 0x5354554E.</summary>
    public bool VerifyFingerprint()
    {
        if (_fingerprintOffset < 0 || _fingerprintOffset > MaxIntegrityPrefix)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[_fingerprintOffset];
        _message[.._fingerprintOffset].CopyTo(prefix);
        BinaryPrimitives.WriteUInt16BigEndian(prefix[2..], (ushort)(_fingerprintOffset + 8 - HeaderLength));
        var expected = Crc32.Compute(prefix) ^ StunMessageWriter.FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(_message[(_fingerprintOffset + 4)..]) == expected;
    }

    private bool VerifyHmac(int attributeOffset, ReadOnlySpan<byte> key, bool sha256)
    {
        if (attributeOffset > MaxIntegrityPrefix)
        {
            return false;
        }

        int valueLength = BinaryPrimitives.ReadUInt16BigEndian(_message[(attributeOffset + 2)..]);
        Span<byte> prefix = stackalloc byte[attributeOffset];
        _message[..attributeOffset].CopyTo(prefix);
        // The length field covers the message up to and including the integrity attribute itself.
        BinaryPrimitives.WriteUInt16BigEndian(prefix[2..], (ushort)(attributeOffset + 4 + valueLength - HeaderLength));
        Span<byte> mac = stackalloc byte[32];
        if (sha256)
        {
            HMACSHA256.HashData(key, prefix, mac);
        }
        else
        {
            HMACSHA1.HashData(key, prefix, mac);
        }

        return CryptographicOperations.FixedTimeEquals(mac[..valueLength], _message.Slice(attributeOffset + 4, valueLength));
    }
}
