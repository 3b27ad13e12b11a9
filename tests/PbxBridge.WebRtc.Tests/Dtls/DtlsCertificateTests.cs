using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PbxBridge.WebRtc.Dtls;

namespace PbxBridge.WebRtc.Tests.Dtls;

public sealed class DtlsCertificateTests
{
    [Fact]
    public void Generated_certificate_is_ECDSA_P256_and_its_fingerprint_is_the_SHA256_of_the_DER()
    {
        var certificate = DtlsCertificate.Generate();

        using var x509 = X509CertificateLoader.LoadCertificate(certificate.DerEncoded);
        using var key = x509.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        var expected = string.Join(':', Convert.ToHexString(SHA256.HashData(certificate.DerEncoded)).Chunk(2).Select(c => new string(c)));
        Assert.Equal(expected, certificate.Sha256Fingerprint);
        Assert.True(certificate.Fingerprint.Matches(certificate.DerEncoded));
    }

    [Fact]
    public void Fingerprint_attribute_round_trips_and_rejects_bad_values()
    {
        var certificate = DtlsCertificate.Generate();

        Assert.True(DtlsFingerprint.TryParse(certificate.Fingerprint.ToString(), out var parsed));
        Assert.True(parsed.Matches(certificate.DerEncoded));
        Assert.False(parsed.Matches(DtlsCertificate.Generate().DerEncoded));
        Assert.False(DtlsFingerprint.TryParse("sha-256 12:34", out _));
        Assert.False(DtlsFingerprint.TryParse("md5 " + certificate.Sha256Fingerprint, out _));
        Assert.False(DtlsFingerprint.TryParse("sha-256 ZZ" + certificate.Sha256Fingerprint[2..], out _));
    }

    [Fact]
    public void Keying_material_is_split_by_role_as_RFC_5764_section_4_2_orders_it()
    {
        var exported = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();

        var server = new DtlsSrtpKeyingMaterial(PbxBridge.WebRtc.Srtp.SrtpProtectionProfile.AesCm128HmacSha1_80, exported, isServer: true);
        var client = new DtlsSrtpKeyingMaterial(PbxBridge.WebRtc.Srtp.SrtpProtectionProfile.AesCm128HmacSha1_80, exported, isServer: false);

        Assert.Equal(exported[..16], client.LocalMasterKey);
        Assert.Equal(exported[16..32], server.LocalMasterKey);
        Assert.Equal(exported[32..46], client.LocalMasterSalt);
        Assert.Equal(exported[46..60], server.LocalMasterSalt);
        Assert.Equal(server.LocalMasterKey, client.RemoteMasterKey);
        Assert.Equal(client.LocalMasterSalt, server.RemoteMasterSalt);
    }
}
