using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// SRTCP for one direction (RFC 3711 §3.4; RFC 7714 §9 for AEAD-GCM). The first 8 bytes (header and sender
/// SSRC) stay in the clear, the rest is encrypted, and an E flag with a 31-bit SRTCP index travels with every
/// packet. AES-CM layout: header | encrypted | E||index | tag. GCM layout: header | encrypted | tag | E||index.
/// One instance per direction; not thread-safe.
/// </summary>
public sealed class SrtcpContext : IDisposable
{
    private const int ClearHeaderLength = 8;
    private const uint EncryptedFlag = 0x8000_0000;

    private readonly SrtpProtectionProfile _profile;
    private readonly byte[] _salt;
    private readonly AesCounterMode? _aesCm;
    private readonly IncrementalHash? _hmac;
    private readonly AesGcm? _gcm;
    private readonly SrtpStreamTable _streams = new();
    private long _authenticationFailures;
    private long _replayedPackets;
    private long _malformedPackets;

    public SrtcpContext(SrtpSessionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _profile = keys.Profile;
        _salt = keys.RtcpSalt.ToArray();
        if (_profile.IsAead)
        {
            _gcm = new AesGcm(keys.RtcpEncryptionKey.Span, _profile.SrtcpAuthTagLength);
        }
        else
        {
            _aesCm = new AesCounterMode(keys.RtcpEncryptionKey.Span);
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.RtcpAuthenticationKey.Span);
        }
    }

    public SrtcpContext(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
        : this(SrtpKeyDerivation.DeriveSessionKeys(profile, masterKey, masterSalt))
    {
    }

    /// <summary>E||index plus the tag: the room <see cref="Protect"/> needs after the RTCP packet.</summary>
    public int Overhead => 4 + _profile.SrtcpAuthTagLength;

    /// <summary>The SRTCP index the next protected packet carries (starts at 0, §3.4).</summary>
    public uint NextIndex { get; internal set; }

    public long AuthenticationFailures => Volatile.Read(ref _authenticationFailures);

    public long ReplayedPackets => Volatile.Read(ref _replayedPackets);

    public long MalformedPackets => Volatile.Read(ref _malformedPackets);

    /// <summary>Encrypts <c>buffer[..rtcpLength]</c> in place and appends index and tag; -1 if it cannot.</summary>
    public int Protect(Span<byte> buffer, int rtcpLength)
    {
        if (rtcpLength < ClearHeaderLength || buffer.Length < rtcpLength + Overhead ||
            rtcpLength - ClearHeaderLength > AesCounterMode.MaxLength)
        {
            return -1;
        }

        var index = NextIndex & 0x7FFF_FFFF;
        NextIndex = (index + 1) & 0x7FFF_FFFF;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var body = buffer[ClearHeaderLength..rtcpLength];
        var tagLength = _profile.SrtcpAuthTagLength;
        if (_gcm is not null)
        {
            var eIndex = buffer.Slice(rtcpLength + tagLength, 4);
            BinaryPrimitives.WriteUInt32BigEndian(eIndex, EncryptedFlag | index);
            Span<byte> nonce = stackalloc byte[12];
            Span<byte> aad = stackalloc byte[12];
            GcmNonce(nonce, ssrc, index);
            buffer[..ClearHeaderLength].CopyTo(aad);
            eIndex.CopyTo(aad[8..]);
            _gcm.Encrypt(nonce, body, body, buffer.Slice(rtcpLength, tagLength), aad);
        }
        else
        {
            Span<byte> iv = stackalloc byte[16];
            CounterIv(iv, ssrc, index);
            _aesCm!.Apply(iv, body);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[rtcpLength..], EncryptedFlag | index);
            ComputeTag(buffer[..(rtcpLength + 4)], buffer.Slice(rtcpLength + 4, tagLength));
        }

        return rtcpLength + Overhead;
    }

    /// <summary>Authenticates, replay-checks and decrypts in place; the RTCP packet is <c>packet[..rtcpLength]</c>.</summary>
    public SrtpStatus Unprotect(Span<byte> packet, out int rtcpLength)
    {
        rtcpLength = 0;
        var tagLength = _profile.SrtcpAuthTagLength;
        var length = packet.Length - Overhead;
        if (length < ClearHeaderLength || (packet[0] >> 6) != 2 || length - ClearHeaderLength > AesCounterMode.MaxLength)
        {
            Interlocked.Increment(ref _malformedPackets);
            return SrtpStatus.Malformed;
        }

        var eIndexOffset = _gcm is not null ? packet.Length - 4 : length;
        var eIndex = BinaryPrimitives.ReadUInt32BigEndian(packet[eIndexOffset..]);
        var encrypted = (eIndex & EncryptedFlag) != 0;
        var index = eIndex & 0x7FFF_FFFF;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        var stream = _streams.Find(ssrc);
        if (stream is not null && stream.ReplayWindow.IsReplay(index))
        {
            Interlocked.Increment(ref _replayedPackets);
            return SrtpStatus.Replayed;
        }

        var body = packet[ClearHeaderLength..length];
        if (_gcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmNonce(nonce, ssrc, index);
            var tag = packet.Slice(length, tagLength);
            try
            {
                if (encrypted)
                {
                    Span<byte> aad = stackalloc byte[12];
                    packet[..ClearHeaderLength].CopyTo(aad);
                    BinaryPrimitives.WriteUInt32BigEndian(aad[8..], eIndex);
                    _gcm.Decrypt(nonce, body, tag, body, aad);
                }
                else
                {
                    // RFC 7714 §9.3: unencrypted SRTCP authenticates the whole packet and E||index as AAD.
                    Span<byte> aad = stackalloc byte[length + 4];
                    packet[..length].CopyTo(aad);
                    BinaryPrimitives.WriteUInt32BigEndian(aad[length..], eIndex);
                    _gcm.Decrypt(nonce, ReadOnlySpan<byte>.Empty, tag, Span<byte>.Empty, aad);
                }
            }
            catch (AuthenticationTagMismatchException)
            {
                Interlocked.Increment(ref _authenticationFailures);
                return SrtpStatus.AuthenticationFailed;
            }
        }
        else
        {
            Span<byte> expected = stackalloc byte[20];
            ComputeTag(packet[..(length + 4)], expected[..tagLength]);
            if (!CryptographicOperations.FixedTimeEquals(expected[..tagLength], packet.Slice(length + 4, tagLength)))
            {
                Interlocked.Increment(ref _authenticationFailures);
                return SrtpStatus.AuthenticationFailed;
            }

            if (encrypted)
            {
                Span<byte> iv = stackalloc byte[16];
                CounterIv(iv, ssrc, index);
                _aesCm!.Apply(iv, body);
            }
        }

        (stream ?? _streams.Add(ssrc)).ReplayWindow.Accept(index);
        rtcpLength = length;
        return SrtpStatus.Ok;
    }

    public void Dispose()
    {
        _aesCm?.Dispose();
        _hmac?.Dispose();
        _gcm?.Dispose();
    }

    private void ComputeTag(ReadOnlySpan<byte> authenticatedPortion, Span<byte> tag)
    {
        _hmac!.AppendData(authenticatedPortion);
        Span<byte> mac = stackalloc byte[20];
        _hmac.TryGetHashAndReset(mac, out _);
        mac[..tag.Length].CopyTo(tag);
    }

    private void CounterIv(Span<byte> iv, uint ssrc, uint index)
    {
        iv.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(iv[4..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(iv[10..], index);
        for (var i = 0; i < 14; i++)
        {
            iv[i] ^= _salt[i];
        }
    }

    /// <summary>RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.</summary>
    private void GcmNonce(Span<byte> nonce, uint ssrc, uint index)
    {
        nonce[..2].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        nonce[6..8].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index);
        for (var i = 0; i < 12; i++)
        {
            nonce[i] ^= _salt[i];
        }
    }
}
