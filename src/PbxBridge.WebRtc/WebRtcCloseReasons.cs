namespace PbxBridge.WebRtc;

/// <summary>The reasons <see cref="IWebRtcEndpointObserver.OnClosed"/> gives that are not failures.</summary>
public static class WebRtcCloseReasons
{
    /// <summary>
    /// The browser closed DTLS (RFC 5246 §7.2.1 close_notify): what a browser does when its peer connection closes,
    /// i.e. at every normal hangup, often just before or after its BYE.
    /// </summary>
    public const string ClosedByBrowser = "DTLS close_notify received";

    public static bool IsNormal(string reason) => reason == ClosedByBrowser;
}
