using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// AES in counter mode as RFC 3711 §4.1.1 defines it: keystream block j = AES(k_e, IV + j), where only the low
/// 16 bits of the IV count. Counter blocks are encrypted with one ECB transform kept for the context's life,
/// over scratch arrays of the calling thread, so a packet costs no allocation. The scratch is per thread, not per
/// instance: a call has three contexts (SRTP both ways, SRTCP in) and each held 3 KB of scratch it only needs
/// inside <see cref="Apply"/>, while the few media-loop threads that run every call's packets can share theirs.
/// Not thread-safe: one per direction, used by one thread at a time.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    // An SRTP payload is at most one datagram: 1500 bytes round up to 94 blocks.
    private const int MaxBlocks = 96;

    [ThreadStatic]
    private static byte[]? t_counters;

    [ThreadStatic]
    private static byte[]? t_keystream;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    public static int MaxLength => MaxBlocks * 16;

    /// <summary>XORs the keystream that starts at <paramref name="iv"/> into <paramref name="data"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (data.Length > MaxLength)
        {
            throw new ArgumentException("Payload longer than a datagram.", nameof(data));
        }

        if (data.IsEmpty)
        {
            // An SRTCP packet with no report body (Chrome's RTCP with only the 8-byte header) has nothing to encrypt.
            return;
        }

        var counterBlocks = t_counters ??= new byte[MaxBlocks * 16];
        var keystreamBlocks = t_keystream ??= new byte[MaxBlocks * 16];
        var blocks = (data.Length + 15) / 16;
        var counters = counterBlocks.AsSpan(0, blocks * 16);
        for (var j = 0; j < blocks; j++)
        {
            var block = counters.Slice(j * 16, 16);
            iv.CopyTo(block);
            var low = (ushort)(((iv[14] << 8) | iv[15]) + j);
            block[14] = (byte)(low >> 8);
            block[15] = (byte)low;
        }

        _ecb.TransformBlock(counterBlocks, 0, blocks * 16, keystreamBlocks, 0);
        var keystream = keystreamBlocks.AsSpan(0, data.Length);
        var i = 0;
        for (; i + 16 <= data.Length; i += 16)
        {
            var block = data.Slice(i, 16);
            (Vector128.Create<byte>(block) ^ Vector128.Create<byte>(keystream.Slice(i, 16))).CopyTo(block);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
