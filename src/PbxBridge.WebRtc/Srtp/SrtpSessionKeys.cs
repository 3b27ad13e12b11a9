namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// The session keys one direction needs, as RFC 3711 §4.3 derives them from a master key and salt: encryption
/// key, salt and (AES-CM profiles only) authentication key, separately for SRTP and SRTCP.
/// </summary>
public sealed class SrtpSessionKeys
{
    public SrtpSessionKeys(
        SrtpProtectionProfile profile,
        byte[] rtpEncryptionKey,
        byte[] rtpAuthenticationKey,
        byte[] rtpSalt,
        byte[] rtcpEncryptionKey,
        byte[] rtcpAuthenticationKey,
        byte[] rtcpSalt)
    {
        Profile = profile;
        RtpEncryptionKey = rtpEncryptionKey;
        RtpAuthenticationKey = rtpAuthenticationKey;
        RtpSalt = rtpSalt;
        RtcpEncryptionKey = rtcpEncryptionKey;
        RtcpAuthenticationKey = rtcpAuthenticationKey;
        RtcpSalt = rtcpSalt;
    }

    public SrtpProtectionProfile Profile { get; }

    public ReadOnlyMemory<byte> RtpEncryptionKey { get; }

    public ReadOnlyMemory<byte> RtpAuthenticationKey { get; }

    public ReadOnlyMemory<byte> RtpSalt { get; }

    public ReadOnlyMemory<byte> RtcpEncryptionKey { get; }

    public ReadOnlyMemory<byte> RtcpAuthenticationKey { get; }

    public ReadOnlyMemory<byte> RtcpSalt { get; }
}
