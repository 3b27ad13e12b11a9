using Microsoft.Extensions.Logging;
using PbxBridge.Net;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Calls.Media;

/// <summary>What a browser leg (a <see cref="WebRtcEndpoint"/>) is made of: the ICE/DTLS options, the browser-side UDP
/// range, the DTLS identity, and where present the ICE-TCP directory and the one shared UDP socket.</summary>
/// <param name="IceTcp">Where ICE-TCP connections find their leg; null when no ICE-TCP port is configured.</param>
/// <param name="SingleUdpPort">The one UDP socket every browser leg shares (Media:SingleUdpPort); null = a port per leg from <paramref name="Ports"/>.</param>
public sealed record BrowserLegMedia(
    WebRtcOptions WebRtc,
    UdpPortPool Ports,
    DtlsCertificate Certificate,
    IceUfragDirectory<IIceTcpHost>? IceTcp = null,
    SingleUdpPort? SingleUdpPort = null)
{
    /// <summary>A call's browser leg, on the call's media loop. Throws <see cref="InvalidOperationException"/> when no port is free.</summary>
    public WebRtcEndpoint Open(MediaEventLoop loop, IWebRtcEndpointObserver observer, ILogger logger) =>
        new(WebRtc, Ports, Certificate, loop, observer, logger, IceTcp, SingleUdpPort);
}
