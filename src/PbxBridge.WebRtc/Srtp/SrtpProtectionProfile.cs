namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// An SRTP protection profile as DTLS use_srtp names it (RFC 5764 §4.1.2, RFC 7714 §14.2): cipher, key and
/// salt sizes, and authentication tag lengths for SRTP and SRTCP.
/// </summary>
public sealed class SrtpProtectionProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80: what Chromium picks first.</summary>
    public static readonly SrtpProtectionProfile AesCm128HmacSha1_80 =
        new("SRTP_AES128_CM_HMAC_SHA1_80", 0x0001, isAead: false, saltLength: 14, authKeyLength: 20, srtpTag: 10, srtcpTag: 10);

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32: the short tag applies to SRTP only; SRTCP keeps 80 bits (RFC 5764 §4.1.2).</summary>
    public static readonly SrtpProtectionProfile AesCm128HmacSha1_32 =
        new("SRTP_AES128_CM_HMAC_SHA1_32", 0x0002, isAead: false, saltLength: 14, authKeyLength: 20, srtpTag: 4, srtcpTag: 10);

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714): 96-bit salt, 128-bit tag, no separate authentication key.</summary>
    public static readonly SrtpProtectionProfile AeadAes128Gcm =
        new("SRTP_AEAD_AES_128_GCM", 0x0007, isAead: true, saltLength: 12, authKeyLength: 0, srtpTag: 16, srtcpTag: 16);

    private SrtpProtectionProfile(string name, int dtlsId, bool isAead, int saltLength, int authKeyLength, int srtpTag, int srtcpTag)
    {
        Name = name;
        DtlsId = dtlsId;
        IsAead = isAead;
        MasterSaltLength = saltLength;
        AuthKeyLength = authKeyLength;
        SrtpAuthTagLength = srtpTag;
        SrtcpAuthTagLength = srtcpTag;
    }

    /// <summary>The spelling used by RFC 5764 and by Chromium's getStats() <c>srtpCipher</c>.</summary>
    public string Name { get; }

    /// <summary>The two-byte SRTPProtectionProfile value in the use_srtp extension.</summary>
    public int DtlsId { get; }

    public bool IsAead { get; }

    public int MasterKeyLength => 16;

    public int MasterSaltLength { get; }

    public int AuthKeyLength { get; }

    public int SrtpAuthTagLength { get; }

    public int SrtcpAuthTagLength { get; }

    /// <summary>Our preference order when a peer offers several.</summary>
    public static IReadOnlyList<SrtpProtectionProfile> Supported { get; } =
        [AeadAes128Gcm, AesCm128HmacSha1_80, AesCm128HmacSha1_32];

    public static SrtpProtectionProfile? FromDtlsId(int id)
    {
        foreach (var profile in Supported)
        {
            if (profile.DtlsId == id)
            {
                return profile;
            }
        }

        return null;
    }

    public override string ToString() => Name;
}
