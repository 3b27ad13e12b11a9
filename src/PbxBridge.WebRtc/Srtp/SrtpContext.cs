using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// SRTP for one direction of one session (RFC 3711 §3.3, RFC 7714 §8 for AEAD-GCM): protect what we send, or
/// unprotect what we receive, for any number of SSRCs. Authentication is checked before anything is decrypted;
/// a failed tag or a replay drops the packet and is counted. Works in place on the caller's buffer with .NET's
/// span APIs: no allocation per packet. One instance per direction; not thread-safe.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    private const int MaxTagLength = 16;

    private readonly SrtpProtectionProfile _profile;
    private readonly byte[] _salt;
    private readonly AesCounterMode? _aesCm;
    private readonly IncrementalHash? _hmac;
    private readonly AesGcm? _gcm;
    private readonly SrtpStreamTable _streams = new();
    private long _authenticationFailures;
    private long _replayedPackets;
    private long _malformedPackets;

    public SrtpContext(SrtpSessionKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _profile = keys.Profile;
        _salt = keys.RtpSalt.ToArray();
        if (_profile.IsAead)
        {
            _gcm = new AesGcm(keys.RtpEncryptionKey.Span, _profile.SrtpAuthTagLength);
        }
        else
        {
            _aesCm = new AesCounterMode(keys.RtpEncryptionKey.Span);
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.RtpAuthenticationKey.Span);
        }
    }

    /// <summary>Derives the session keys from a master key and salt (as DTLS-SRTP exports them).</summary>
    public SrtpContext(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
        : this(SrtpKeyDerivation.DeriveSessionKeys(profile, masterKey, masterSalt))
    {
    }

    public SrtpProtectionProfile Profile => _profile;

    /// <summary>Bytes <see cref="Protect"/> appends: the buffer needs this much room after the RTP packet.</summary>
    public int Overhead => _profile.SrtpAuthTagLength;

    public long AuthenticationFailures => Volatile.Read(ref _authenticationFailures);

    public long ReplayedPackets => Volatile.Read(ref _replayedPackets);

    public long MalformedPackets => Volatile.Read(ref _malformedPackets);

    /// <summary>
    /// Encrypts the RTP packet in <c>buffer[..rtpLength]</c> and appends the tag; returns the SRTP length,
    /// or -1 when the packet is not RTP or the buffer has no room for the tag.
    /// </summary>
    public int Protect(Span<byte> buffer, int rtpLength)
    {
        var packet = buffer[..rtpLength];
        var headerLength = RtpHeaderLength.Of(packet);
        if (headerLength < 0 || buffer.Length < rtpLength + Overhead || rtpLength - headerLength > AesCounterMode.MaxLength)
        {
            return -1;
        }

        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var stream = _streams.Find(ssrc) ?? _streams.Add(ssrc);
        var roc = stream.EstimateRolloverCounter(sequence);
        stream.Update(sequence, roc);

        var header = packet[..headerLength];
        var payload = packet[headerLength..];
        var tag = buffer.Slice(rtpLength, Overhead);
        if (_gcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmNonce(nonce, ssrc, roc, sequence);
            _gcm.Encrypt(nonce, payload, payload, tag, header);
        }
        else
        {
            Span<byte> iv = stackalloc byte[16];
            CounterIv(iv, ssrc, roc, sequence);
            _aesCm!.Apply(iv, payload);
            ComputeTag(packet, roc, tag);
        }

        return rtpLength + Overhead;
    }

    /// <summary>
    /// Authenticates, replay-checks and decrypts the SRTP packet in <c>packet</c> in place; on
    /// <see cref="SrtpStatus.Ok"/> the RTP packet is <c>packet[..rtpLength]</c>.
    /// </summary>
    public SrtpStatus Unprotect(Span<byte> packet, out int rtpLength)
    {
        rtpLength = 0;
        var tagLength = _profile.SrtpAuthTagLength;
        var authenticated = packet.Length - tagLength;
        var headerLength = authenticated > 0 ? RtpHeaderLength.Of(packet[..authenticated]) : -1;
        if (headerLength < 0 || authenticated - headerLength > AesCounterMode.MaxLength)
        {
            Interlocked.Increment(ref _malformedPackets);
            return SrtpStatus.Malformed;
        }

        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var stream = _streams.Find(ssrc);
        var roc = stream?.EstimateRolloverCounter(sequence) ?? 0;
        if (stream is not null && stream.ReplayWindow.IsReplay(SrtpStreamState.PacketIndex(sequence, roc)))
        {
            Interlocked.Increment(ref _replayedPackets);
            return SrtpStatus.Replayed;
        }

        var header = packet[..headerLength];
        var payload = packet[headerLength..authenticated];
        var tag = packet.Slice(authenticated, tagLength);
        if (_gcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmNonce(nonce, ssrc, roc, sequence);
            try
            {
                _gcm.Decrypt(nonce, payload, tag, payload, header);
            }
            catch (AuthenticationTagMismatchException)
            {
                Interlocked.Increment(ref _authenticationFailures);
                return SrtpStatus.AuthenticationFailed;
            }
        }
        else
        {
            Span<byte> expected = stackalloc byte[MaxTagLength];
            ComputeTag(packet[..authenticated], roc, expected[..tagLength]);
            if (!CryptographicOperations.FixedTimeEquals(expected[..tagLength], tag))
            {
                Interlocked.Increment(ref _authenticationFailures);
                return SrtpStatus.AuthenticationFailed;
            }

            Span<byte> iv = stackalloc byte[16];
            CounterIv(iv, ssrc, roc, sequence);
            _aesCm!.Apply(iv, payload);
        }

        (stream ?? _streams.Add(ssrc)).Update(sequence, roc);
        rtpLength = authenticated;
        return SrtpStatus.Ok;
    }

    public void Dispose()
    {
        _aesCm?.Dispose();
        _hmac?.Dispose();
        _gcm?.Dispose();
    }

    /// <summary>§4.2: HMAC-SHA1 over the authenticated portion || ROC, truncated to the tag length.</summary>
    private void ComputeTag(ReadOnlySpan<byte> authenticatedPortion, uint roc, Span<byte> tag)
    {
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        _hmac!.AppendData(authenticatedPortion);
        _hmac.AppendData(rocBytes);
        Span<byte> mac = stackalloc byte[20];
        _hmac.TryGetHashAndReset(mac, out _);
        mac[..tag.Length].CopyTo(tag);
    }

    /// <summary>§4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).</summary>
    private void CounterIv(Span<byte> iv, uint ssrc, uint roc, ushort sequence)
    {
        iv.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(iv[4..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(iv[8..], roc);
        BinaryPrimitives.WriteUInt16BigEndian(iv[12..], sequence);
        for (var i = 0; i < 14; i++)
        {
            iv[i] ^= _salt[i];
        }
    }

    /// <summary>RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.</summary>
    private void GcmNonce(Span<byte> nonce, uint ssrc, uint roc, ushort sequence)
    {
        nonce[..2].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], roc);
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], sequence);
        for (var i = 0; i < 12; i++)
        {
            nonce[i] ^= _salt[i];
        }
    }
}
