using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Seeds;

/// <summary>
/// Keys whose RFC vectors are the seeds: RFC 3711 Appendix B.3's master key and salt for AES_CM_128_HMAC_SHA1_80,
/// RFC 7714 §16's key and salt ("Quid pro quo") used directly as session keys for AEAD_AES_128_GCM.
/// </summary>
public static class SrtpKeys
{
    private static readonly byte[] Rfc3711MasterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] Rfc3711MasterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");
    private static readonly byte[] Rfc7714Key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] Rfc7714Salt = Convert.FromHexString("517569642070726f2071756f");

    public static SrtpSessionKeys For(SrtpProtectionProfile profile) =>
        profile == SrtpProtectionProfile.AeadAes128Gcm
            ? new SrtpSessionKeys(profile, Rfc7714Key, [], Rfc7714Salt, Rfc7714Key, [], Rfc7714Salt)
            : SrtpKeyDerivation.DeriveSessionKeys(profile, Rfc3711MasterKey, Rfc3711MasterSalt);

    /// <summary>The media seeds protected as the browser would send them, plus the RFC 7714 packet for GCM.</summary>
    public static IReadOnlyList<byte[]> ProtectedRtp(SrtpProtectionProfile profile)
    {
        using var sender = new SrtpContext(For(profile));
        var seeds = new List<byte[]>();
        foreach (var rtp in MediaSeeds.BrowserRtp)
        {
            var buffer = new byte[rtp.Length + sender.Overhead];
            rtp.CopyTo(buffer, 0);
            seeds.Add(buffer.AsSpan(0, sender.Protect(buffer, rtp.Length)).ToArray());
        }

        if (profile == SrtpProtectionProfile.AeadAes128Gcm)
        {
            seeds.Add(SeedText.EmbeddedHex("srtp-rfc7714-16.1.hex"));
        }

        return seeds;
    }

    public static IReadOnlyList<byte[]> ProtectedRtcp(SrtpProtectionProfile profile)
    {
        using var sender = new SrtcpContext(For(profile));
        var seeds = new List<byte[]>();
        foreach (var rtcp in MediaSeeds.Rtcp)
        {
            var buffer = new byte[rtcp.Length + sender.Overhead];
            rtcp.CopyTo(buffer, 0);
            seeds.Add(buffer.AsSpan(0, sender.Protect(buffer, rtcp.Length)).ToArray());
        }

        if (profile == SrtpProtectionProfile.AeadAes128Gcm)
        {
            seeds.Add(SeedText.EmbeddedHex("srtcp-rfc7714-17.1.hex"));
        }

        return seeds;
    }
}
