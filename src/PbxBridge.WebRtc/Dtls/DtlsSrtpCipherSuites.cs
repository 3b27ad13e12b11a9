using Org.BouncyCastle.Tls;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// What both our DTLS roles offer: DTLS 1.2 only (BouncyCastle cannot serve DTLS 1.3, and Chromium offers it) and
/// ECDHE_ECDSA suites only (our certificate is ECDSA; BouncyCastle's default list has none and would fail with
/// internal_error). BouncyCastle follows the client's order; Chromium gets AES-128-GCM.
/// </summary>
internal static class DtlsSrtpCipherSuites
{
    public static readonly int[] EcdsaSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    public static readonly ProtocolVersion[] Versions = ProtocolVersion.DTLSv12.Only();

    public static SignatureAndHashAlgorithm EcdsaSha256 { get; } =
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    public static int[] DtlsIds(IReadOnlyList<Srtp.SrtpProtectionProfile> profiles)
    {
        var ids = new int[profiles.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = profiles[i].DtlsId;
        }

        return ids;
    }
}
