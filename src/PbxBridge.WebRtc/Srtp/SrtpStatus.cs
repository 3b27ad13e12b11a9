namespace PbxBridge.WebRtc.Srtp;

/// <summary>What became of one received SRTP or SRTCP packet.</summary>
public enum SrtpStatus
{
    Ok,
    /// <summary>Too short, wrong version, or header longer than the packet: never decrypted.</summary>
    Malformed,
    /// <summary>The authentication tag did not verify (RFC 3711 §3.3 step 5): dropped, never decrypted.</summary>
    AuthenticationFailed,
    /// <summary>Already seen or older than the replay window (RFC 3711 §3.3.2).</summary>
    Replayed,
}
