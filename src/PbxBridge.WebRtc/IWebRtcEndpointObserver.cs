namespace PbxBridge.WebRtc;

/// <summary>Receives what one browser leg produces. Called on the leg's receive or DTLS thread: return quickly.</summary>
public interface IWebRtcEndpointObserver
{
    /// <summary>DTLS is done and SRTP keys are installed: media may flow both ways.</summary>
    void OnConnected();

    /// <summary>A decrypted, authenticated RTP packet from the browser (opus or telephone-event).</summary>
    void OnRtp(ReadOnlySpan<byte> rtpPacket);

    /// <summary>The leg is over: ICE consent lost, DTLS failure, fingerprint mismatch, close_notify. Called once.</summary>
    void OnClosed(string reason);
}
