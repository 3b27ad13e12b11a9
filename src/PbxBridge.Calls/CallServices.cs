using Microsoft.Extensions.Logging;
using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Overload;
using PbxBridge.Calls.Pbx;
using PbxBridge.Net;
using PbxBridge.Sip;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Calls;

/// <summary>What every call of this process shares: the PBX, the SIP stack, the two UDP ranges, the DTLS identity, the media loops.</summary>
public sealed class CallServices
{
    public required IPbx Pbx { get; init; }
    public required SipStack Sip { get; init; }
    public required UdpPortPool BrowserPorts { get; init; }
    public required UdpPortPool PbxPorts { get; init; }
    public required DtlsCertificate Certificate { get; init; }
    public required WebRtcOptions WebRtc { get; init; }
    public required MediaLoopPool MediaLoops { get; init; }
    public required CallMediaSettings Media { get; init; }
    public required ILoggerFactory LoggerFactory { get; init; }
    public required ICallObserver Observer { get; init; }
    public required CallLimits Limits { get; init; }
    public required ISipAgentDirectory Agents { get; init; }

    /// <summary>The call whose browser leg is <c>sip</c> (an attended transfer's Replaces names it); set by <see cref="CallManager"/>.</summary>
    public Func<SipCall, Call?> FindCall { get; set; } = _ => null;

    /// <summary>Publishes agents' states to the PBX's queues; null where the PBX has none (the demo).</summary>
    public AgentStateTracker? AgentStates { get; init; }

    /// <summary>Where ICE-TCP connections find their leg; null when no ICE-TCP port is configured.</summary>
    public IceUfragDirectory<IIceTcpHost>? IceTcp { get; init; }

    /// <summary>The one UDP socket every browser leg shares (Media:SingleUdpPort); null = a port per leg from <see cref="BrowserPorts"/>.</summary>
    public SingleUdpPort? SingleUdpPort { get; init; }

    /// <summary>The overload ladder: the Opus complexity calls get and whether new calls are refused. Off unless set.</summary>
    public OverloadController Overload { get; init; } = new(OverloadSettings.Disabled(10));

    public string DisplayNameOf(string agentId) =>
        Agents.TryGetAgent(agentId, out var agent) && agent.DisplayName.Length > 0 ? agent.DisplayName : agentId;
}
