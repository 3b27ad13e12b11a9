using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PbxBridge.WebRtc.Dtls;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// The self-signed ECDSA P-256 certificate every load leg presents, as Chromium does (RFC 8827 §6.5). PbxBridge's
/// own <c>DtlsCertificate</c> keeps its private key internal, so the load generator makes its own: one per process.
/// </summary>
internal sealed class ClientCertificate
{
    private ClientCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        DerEncoded = der;
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.Of("sha-256", der);
    }

    public byte[] DerEncoded { get; }

    public AsymmetricKeyParameter PrivateKey { get; }

    public DtlsFingerprint Fingerprint { get; }

    public static ClientCertificate Generate()
    {
        var random = new SecureRandom();
        var keys = new ECKeyPairGenerator();
        keys.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var pair = keys.GenerateKeyPair();
        var generator = new X509V3CertificateGenerator();
        var name = new X509Name("CN=pbxbridge-loadgen");
        generator.SetSerialNumber(new BigInteger(63, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        generator.SetNotAfter(DateTime.UtcNow.AddDays(30));
        generator.SetPublicKey(pair.Public);
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        return new ClientCertificate(certificate.GetEncoded(), pair.Private);
    }
}
