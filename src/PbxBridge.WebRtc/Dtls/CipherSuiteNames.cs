using Org.BouncyCastle.Tls;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>IANA names of the suites we offer, as Chromium's getStats() <c>dtlsCipher</c> spells them.</summary>
internal static class CipherSuiteNames
{
    public static string Name(int suite) => suite switch
    {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        _ => $"0x{suite:X4}",
    };
}
