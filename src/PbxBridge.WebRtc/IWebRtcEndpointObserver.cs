namespace PbxBridge.WebRtc;

/// <summary>Receives what one browser leg produces. Called on the leg's media loop or DTLS thread: return quickly.</summary>
public interface IWebRtcEndpointObserver
{
    /// <summary>DTLS is done and SRTP keys are installed: media may flow both ways.</summary>
    void OnConnected();

    /// <summary>
    /// A decrypted, authenticated RTP packet from the browser (opus or telephone-event), with the time the host received
    /// it (<see cref="System.Diagnostics.Stopwatch"/> clock, stamped by the kernel): what a jitter buffer measures.
    /// </summary>
    void OnRtp(ReadOnlySpan<byte> rtpPacket, long arrivalTimestamp);

    /// <summary>The leg is over: ICE consent lost, DTLS failure, fingerprint mismatch, close_notify. Called once.</summary>
    void OnClosed(string reason);
}
