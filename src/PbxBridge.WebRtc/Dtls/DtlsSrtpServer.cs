using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using SrtpProtectionProfile = PbxBridge.WebRtc.Srtp.SrtpProtectionProfile;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// The DTLS-SRTP server role (RFC 5763, RFC 5764) over BouncyCastle: what we are when the browser offers
/// <c>a=setup:actpass</c> and we answer passive. Requires a client certificate and checks it against the SDP
/// fingerprint; negotiates use_srtp; exports the SRTP keys inside <see cref="NotifyHandshakeComplete"/>, the only
/// place BouncyCastle allows it, which is also before the browser's first SRTP packet can arrive.
/// </summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _remoteFingerprint;
    private readonly IReadOnlyList<SrtpProtectionProfile> _profiles;
    private readonly int _handshakeTimeoutMillis;
    private readonly Action<DtlsSrtpKeyingMaterial> _onKeys;
    private SrtpProtectionProfile? _selected;

    public DtlsSrtpServer(
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

    /// <summary>Why the handshake failed, in words for the call log (fingerprint mismatch, alerts).</summary>
    public string? FailureReason { get; private set; }

    public int NegotiatedCipherSuite => m_context?.SecurityParameters?.CipherSuite ?? -1;

    /// <summary>The chain this side presented, as the association's context keeps it.</summary>
    internal Certificate? PresentedChain => m_context?.SecurityParameters?.LocalCertificate;

    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMillis;

    public override bool RequiresExtendedMasterSecret() => true;

    protected override ProtocolVersion[] GetSupportedVersions() => DtlsSrtpCipherSuites.Versions;

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsSrtpCipherSuites.EcdsaSuites);

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(m_context),
            (BcTlsCrypto)Crypto,
            _certificate.PrivateKey,
            _certificate.TlsChain,
            DtlsSrtpCipherSuites.EcdsaSha256);

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null)
        {
            FailureReason = "DTLS client did not offer use_srtp";
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }

        // Our preference order among what the client offered.
        foreach (var profile in _profiles)
        {
            if (Array.IndexOf(offered.ProtectionProfiles, profile.DtlsId) >= 0)
            {
                _selected = profile;
                return;
            }
        }

        FailureReason = "no common SRTP protection profile";
        throw new TlsFatalAlert(AlertDescription.handshake_failure);
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([_selected!.DtlsId], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest() =>
        new(
            [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
            [
                DtlsSrtpCipherSuites.EcdsaSha256,
                SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
                SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
                SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
            ],
            null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
        {
            FailureReason = "DTLS client sent no certificate (RFC 5763 requires one)";
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }

        if (!_remoteFingerprint.Matches(clientCertificate.GetCertificateAt(0).GetEncoded()))
        {
            FailureReason = $"DTLS certificate does not match the SDP fingerprint ({_remoteFingerprint.Algorithm})";
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var profile = _selected!;
        var exported = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpKeyingMaterial.ExportLength(profile));
        _onKeys(new DtlsSrtpKeyingMaterial(profile, exported, isServer: true));
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
            FailureReason ??= $"DTLS alert received from the browser: {AlertDescription.GetText(alertDescription)}";
        }
    }
}
