using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.X509;
using PbxBridge.WebRtc.Dtls;

namespace PbxBridge.WebRtc;

/// <summary>
/// The self-signed ECDSA P-256 certificate PbxBridge presents in DTLS (RFC 8827 §6.5: WebRTC endpoints use
/// self-signed certificates authenticated by the SDP fingerprint). One per process is enough.
/// </summary>
public sealed class DtlsCertificate
{
    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        DerEncoded = der;
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.Of("sha-256", der);
        var value = Fingerprint.ToString();
        Sha256Fingerprint = value[(value.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        TlsChain = new Certificate([new BcTlsCertificate(DtlsCrypto.Shared, der)]);
    }

    /// <summary>Uppercase colon-separated SHA-256 of the DER certificate, as <c>a=fingerprint:sha-256</c> carries it.</summary>
    public string Sha256Fingerprint { get; }

    public DtlsFingerprint Fingerprint { get; }

    public byte[] DerEncoded { get; }

    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>
    /// The certificate as a TLS Certificate message carries it, parsed once: every handshake presents the same
    /// chain, and each association's context keeps a reference to it for the call's life instead of its own parse.
    /// </summary>
    internal Certificate TlsChain { get; }

    public static DtlsCertificate Generate()
    {
        var random = new SecureRandom();
        var keyGenerator = new ECKeyPairGenerator();
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keyPair = keyGenerator.GenerateKeyPair();

        var generator = new X509V3CertificateGenerator();
        var name = new X509Name("CN=PbxBridge");
        generator.SetSerialNumber(new BigInteger(63, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        // Browsers ignore validity for fingerprint-authenticated certificates; a year covers any process lifetime.
        generator.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        generator.SetNotAfter(DateTime.UtcNow.AddDays(365));
        generator.SetPublicKey(keyPair.Public);
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keyPair.Private, random));
        return new DtlsCertificate(certificate.GetEncoded(), keyPair.Private);
    }
}
