using PbxBridge.Calls.Pbx;

namespace PbxBridge.Pbx.Contract;

/// <summary>One started adapter, whatever stands behind it (the demo, a simulator, a real PBX), and the ways the
/// contract suite drives the PBX side.</summary>
public interface IPbxUnderTest : IAsyncDisposable
{
    IPbx Pbx { get; }

    RecordingInboundHandler Inbound { get; }

    /// <summary>A destination that answers (and sends audio).</summary>
    string AnsweringDestination { get; }

    /// <summary>Where the leg's RTP should go: a socket that exists for the test's life.</summary>
    PbxMediaOffer Media { get; }

    /// <summary>The PBX rings <paramref name="agentId"/> (an inbound call reaches <see cref="Inbound"/>).</summary>
    Task CallAgentAsync(string agentId);

    /// <summary>The PBX's caller hangs up; completes once the adapter has taken it in.</summary>
    Task EndFromPbxAsync(InboundPbxCall call);
}
