using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using PbxBridge.WebRtc.Dtls;
using SrtpProtectionProfile = PbxBridge.WebRtc.Srtp.SrtpProtectionProfile;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// The browser's DTLS-SRTP client role (RFC 5763 §5: we offered actpass, PbxBridge answered passive): DTLS 1.2,
/// ECDHE-ECDSA suites, use_srtp with the profiles Chromium offers, the server certificate checked against the SDP
/// fingerprint, and the RFC 5764 §4.2 keying material exported when the handshake completes.
/// </summary>
internal sealed class LoadDtlsClient : DefaultTlsClient
{
    private static readonly int[] Suites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    private readonly ClientCertificate _certificate;
    private readonly DtlsFingerprint _serverFingerprint;
    private SrtpProtectionProfile? _selected;

    public LoadDtlsClient(BcTlsCrypto crypto, ClientCertificate certificate, DtlsFingerprint serverFingerprint)
        : base(crypto)
    {
        _certificate = certificate;
        _serverFingerprint = serverFingerprint;
    }

    public DtlsSrtpKeyingMaterial? Keys { get; private set; }

    public override int GetHandshakeTimeoutMillis() => 10_000;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, Suites);

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        var supported = SrtpProtectionProfile.Supported;
        var ids = new int[supported.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = supported[i].DtlsId;
        }

        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(ids, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var chosen = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (chosen is null || chosen.ProtectionProfiles.Length != 1 ||
            SrtpProtectionProfile.FromDtlsId(chosen.ProtectionProfiles[0]) is not { } profile)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter);
        }

        _selected = profile;
    }

    public override TlsAuthentication GetAuthentication() => new FingerprintAuthentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = _selected!;
        var exported = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpKeyingMaterial.ExportLength(profile));
        Keys = new DtlsSrtpKeyingMaterial(profile, exported, isServer: false);
    }

    private sealed class FingerprintAuthentication(LoadDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            var chain = serverCertificate.Certificate;
            if (chain is null || chain.IsEmpty || !client._serverFingerprint.Matches(chain.GetCertificateAt(0).GetEncoded()))
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            var crypto = (BcTlsCrypto)client.Crypto;
            return new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(client.m_context),
                crypto,
                client._certificate.PrivateKey,
                new Certificate([new BcTlsCertificate(crypto, client._certificate.DerEncoded)]),
                SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }
}
