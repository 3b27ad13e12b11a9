using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Overload;
using PbxBridge.Net;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls.Media;

/// <summary>What a call's media is built from: its browser leg's parts, the PBX-side RTP range, the media loops, the
/// codec choices and the overload ladder (which lowers the Opus complexity new and running calls encode with).</summary>
public sealed record CallMediaServices(
    BrowserLegMedia BrowserLegs,
    UdpPortPool PbxPorts,
    MediaLoopPool Loops,
    CallMediaSettings Settings,
    OverloadController Overload)
{
    /// <summary>A call's media bridge: it takes the next media loop, and rents its PBX-side port when the PBX side opens.</summary>
    public CallMediaBridge CreateBridge(ICallMediaEvents events, ILogger logger) => new(Settings, PbxPorts, Loops, events, logger, Overload);
}
