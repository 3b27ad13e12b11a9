using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using SrtpProtectionProfile = PbxBridge.WebRtc.Srtp.SrtpProtectionProfile;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// The DTLS-SRTP client role over BouncyCastle: what we are when we offered actpass and the browser answered
/// <c>a=setup:passive</c>. Offers use_srtp, checks the server certificate against the SDP fingerprint, presents
/// our certificate, and exports the SRTP keys inside <see cref="NotifyHandshakeComplete"/>.
/// </summary>
internal sealed class DtlsSrtpClient : DefaultTlsClient
{
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _remoteFingerprint;
    private readonly IReadOnlyList<SrtpProtectionProfile> _profiles;
    private readonly int _handshakeTimeoutMillis;
    private readonly Action<DtlsSrtpKeyingMaterial> _onKeys;
    private SrtpProtectionProfile? _selected;

    public DtlsSrtpClient(
        BcTlsCrypto crypto,
        DtlsCertificate certificate,
        DtlsFingerprint remoteFingerprint,
        IReadOnlyList<SrtpProtectionProfile> profiles,
        int handshakeTimeoutMillis,
        Action<DtlsSrtpKeyingMaterial> onKeys)
        : base(crypto)
    {
        _certificate = certificate;
        _remoteFingerprint = remoteFingerprint;
        _profiles = profiles;
        _handshakeTimeoutMillis = handshakeTimeoutMillis;
        _onKeys = onKeys;
    }

    public string? FailureReason { get; private set; }

    public int NegotiatedCipherSuiteOrDefault => m_context?.SecurityParameters?.CipherSuite ?? -1;

    /// <summary>The chain this side presented, as the association's context keeps it.</summary>
    internal Certificate? PresentedChain => m_context?.SecurityParameters?.LocalCertificate;

    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMillis;

    public override bool RequiresExtendedMasterSecret() => true;

    protected override ProtocolVersion[] GetSupportedVersions() => DtlsSrtpCipherSuites.Versions;

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsSrtpCipherSuites.EcdsaSuites);

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(
            extensions, new UseSrtpData(DtlsSrtpCipherSuites.DtlsIds(_profiles), TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var chosen = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (chosen is null || chosen.ProtectionProfiles.Length != 1 ||
            SrtpProtectionProfile.FromDtlsId(chosen.ProtectionProfiles[0]) is not { } profile)
        {
            FailureReason = "DTLS server did not select an SRTP protection profile we offered";
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
        _onKeys(new DtlsSrtpKeyingMaterial(profile, exported, isServer: false));
    }

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause)
    {
        if (alertLevel == AlertLevel.fatal)
        {
            FailureReason ??= $"DTLS alert raised: {AlertDescription.GetText(alertDescription)}" + (message is null ? string.Empty : $" ({message})");
        }
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription)
    {
        if (alertLevel == AlertLevel.fatal)
        {
            FailureReason ??= $"DTLS alert received from the peer: {AlertDescription.GetText(alertDescription)}";
        }
    }

    private sealed class FingerprintAuthentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            var chain = serverCertificate.Certificate;
            if (chain is null || chain.IsEmpty || !client._remoteFingerprint.Matches(chain.GetCertificateAt(0).GetEncoded()))
            {
                client.FailureReason = $"DTLS certificate does not match the SDP fingerprint ({client._remoteFingerprint.Algorithm})";
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(client.m_context),
                (BcTlsCrypto)client.Crypto,
                client._certificate.PrivateKey,
                client._certificate.TlsChain,
                DtlsSrtpCipherSuites.EcdsaSha256);
    }
}
