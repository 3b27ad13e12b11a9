using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Benchmarks.Srtp;

/// <summary>
/// SRTP on one 172-byte RTP packet (12-byte header + 160 bytes, a 20 ms G.711-sized frame) per profile.
/// Unprotect cannot replay one packet (the replay window would drop it before any crypto), so it is measured
/// as protect-then-unprotect of a fresh sequence number; unprotect alone is the difference of the two rows.
/// Both must show 0 B allocated.
/// <c>dotnet run -c Release --project bench/PbxBridge.Benchmarks -- --filter '*SrtpBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
public class SrtpBenchmarks
{
    private const int RtpLength = 172;

    private readonly byte[] _packet = new byte[RtpLength + 16];
    private readonly byte[] _template = new byte[RtpLength];
    private SrtpContext _sender = null!;
    private SrtpContext _receiver = null!;
    private ushort _sequence;

    [Params("SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AEAD_AES_128_GCM")]
    public string Profile { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var profile = Profile == SrtpProtectionProfile.AeadAes128Gcm.Name
            ? SrtpProtectionProfile.AeadAes128Gcm
            : SrtpProtectionProfile.AesCm128HmacSha1_80;
        var key = new byte[16];
        var salt = new byte[profile.MasterSaltLength];
        Random.Shared.NextBytes(key);
        Random.Shared.NextBytes(salt);
        _sender = new SrtpContext(profile, key, salt);
        _receiver = new SrtpContext(profile, key, salt);
        _template[0] = 0x80;
        _template[1] = 111;
        BinaryPrimitives.WriteUInt32BigEndian(_template.AsSpan(8), 0x1234_5678);
        Random.Shared.NextBytes(_template.AsSpan(12));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public int Protect()
    {
        NextPacket();
        return _sender.Protect(_packet, RtpLength);
    }

    [Benchmark]
    public int ProtectThenUnprotect()
    {
        NextPacket();
        var length = _sender.Protect(_packet, RtpLength);
        _receiver.Unprotect(_packet.AsSpan(0, length), out var rtpLength);
        return rtpLength;
    }

    private void NextPacket()
    {
        _template.CopyTo(_packet, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), ++_sequence);
    }
}
