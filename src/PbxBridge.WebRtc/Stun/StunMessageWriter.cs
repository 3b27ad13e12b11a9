using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PbxBridge.WebRtc.Stun;

/// <summary>
/// Builds a STUN message into a caller-supplied buffer (RFC 8489 §5, §14). The header's length field is kept
/// current after every attribute, so MESSAGE-INTEGRITY and FINGERPRINT can be computed in place.
/// </summary>
public ref struct StunMessageWriter
{
    internal const uint FingerprintXor = 0x5354554E;

    private readonly Span<byte> _buffer;
    private int _length;

    public StunMessageWriter(Span<byte> buffer, ushort messageType, ReadOnlySpan<byte> transactionId)
    {
        if (transactionId.Length != 12)
        {
            throw new ArgumentException("A STUN transaction id is 96 bits.", nameof(transactionId));
        }

        _buffer = buffer;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, messageType);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessage.MagicCookie);
        transactionId.CopyTo(buffer[8..]);
        _length = StunMessage.HeaderLength;
        UpdateLength();
    }

    /// <summary>Bytes written so far: the datagram to send is <c>buffer[..Length]</c>.</summary>
    public readonly int Length => _length;

    public void AddAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var padded = (value.Length + 3) & ~3;
        var slot = _buffer.Slice(_length, 4 + padded);
        BinaryPrimitives.WriteUInt16BigEndian(slot, type);
        BinaryPrimitives.WriteUInt16BigEndian(slot[2..], (ushort)value.Length);
        value.CopyTo(slot[4..]);
        slot[(4 + value.Length)..].Clear();
        _length += 4 + padded;
        UpdateLength();
    }

    public void AddUInt32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        AddAttribute(type, bytes);
    }

    public void AddUInt64(ushort type, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        AddAttribute(type, bytes);
    }

    public void AddXorMappedAddress(StunAddress address)
    {
        Span<byte> value = stackalloc byte[20];
        var written = address.WriteXored(value, _buffer.Slice(8, 12));
        AddAttribute(StunAttributeType.XorMappedAddress, value[..written]);
    }

    /// <summary>ERROR-CODE (§14.8): class (hundreds) and number, then a UTF-8 reason phrase.</summary>
    public void AddErrorCode(int code, string reason)
    {
        Span<byte> value = stackalloc byte[4 + 128];
        value[..2].Clear();
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        var reasonLength = Encoding.UTF8.GetBytes(reason.AsSpan(0, Math.Min(reason.Length, 100)), value[4..]);
        AddAttribute(StunAttributeType.ErrorCode, value[..(4 + reasonLength)]);
    }

    public void AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        var start = _length;
        _length += 24;
        UpdateLength();
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[start..], StunAttributeType.MessageIntegrity);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(start + 2)..], 20);
        HMACSHA1.HashData(key, _buffer[..start], _buffer.Slice(start + 4, 20));
    }

    public void AddMessageIntegritySha256(ReadOnlySpan<byte> key)
    {
        var start = _length;
        _length += 36;
        UpdateLength();
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[start..], StunAttributeType.MessageIntegritySha256);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(start + 2)..], 32);
        HMACSHA256.HashData(key, _buffer[..start], _buffer.Slice(start + 4, 32));
    }

    public void AddFingerprint()
    {
        var start = _length;
        _length += 8;
        UpdateLength();
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[start..], StunAttributeType.Fingerprint);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(start + 2)..], 4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[(start + 4)..], Crc32.Compute(_buffer[..start]) ^ FingerprintXor);
    }

    private readonly void UpdateLength() =>
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunMessage.HeaderLength));
}
