using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Overload;
using PbxBridge.Calls.Pbx;
using PbxBridge.Net;
using PbxBridge.Sip;
using PbxBridge.Sip.Registrar;
using PbxBridge.Sip.Transport;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>
/// The Calls room as the service wires it: a real SIP stack (fed by an in-memory browser flow), a real
/// <see cref="CallManager"/> with real WebRTC and RTP endpoints on loopback, and a fake PBX whose legs record what
/// they are asked to do. Every log line is captured with its scope.
/// </summary>
internal sealed class CallHarness : IAsyncDisposable
{
    private static int s_portBlock;
    private readonly MediaLoopPool _mediaLoops;
    private readonly SipStack _stack;
    private readonly MemorySipFlow _flow;

    public CallHarness(IPbxAgentStatePublisher? agentStates = null, CallLimits? limits = null, IPbxAgentLocationPublisher? location = null)
    {
        // Each harness has its own 40-port block in a range no other test project uses.
        var first = 44000 + (Interlocked.Increment(ref s_portBlock) % 20 * 40);
        _mediaLoops = new MediaLoopPool(Log.CreateLogger<MediaLoopPool>(), 1);
        var media = new CallMediaServices(
            new BrowserLegMedia(WebRtcOptions.Default(IPAddress.Loopback), new UdpPortPool(IPAddress.Loopback, first, first + 19), DtlsCertificate.Generate()),
            new UdpPortPool(IPAddress.Loopback, first + 20, first + 39),
            _mediaLoops,
            new CallMediaSettings(PbxCodec.Pcmu, 5, 24000, true, false),
            new OverloadController(OverloadSettings.Disabled(10)));
        Manager = new CallManager(media, limits ?? CallLimits.Default, media.Overload, new NullCallObserver(), Log);
        var registrations = new RegistrationChangeNotifier(new InMemoryRegistrationStore());
        _stack = new SipStack(new SipStackOptions { RegistrationStore = registrations }, new TestAgentDirectory(), Manager, Log.CreateLogger<SipStack>());
        if (agentStates is not null)
        {
            AgentStates = new AgentStateTracker(agentStates, registrations, [TestAgentDirectory.AgentId], () => Manager.Calls, Log.CreateLogger<AgentStateTracker>(), location);
            registrations.Changed += AgentStates.OnAgentRegistrationChanged;
        }

        Manager.Attach(new CallSignalling(Pbx, _stack, new TestAgentDirectory(), AgentStates));
        var flow = new MemorySipFlow("flow-1");
        ((ISipMessageSink)_stack).OnFlowOpened(flow);
        _flow = flow;
        Browser = new BrowserSipPhone(_stack, flow);
    }

    public CapturedLog Log { get; } = new();

    /// <summary>Agent states toward the PBX, when the harness was given a publisher.</summary>
    public AgentStateTracker? AgentStates { get; }

    /// <summary>The browser's WebSocket closes (the page was closed, the network lost).</summary>
    public void CloseBrowserConnection() => ((ISipMessageSink)_stack).OnFlowClosed(_flow);

    public FakePbx Pbx { get; } = new();

    public CallManager Manager { get; }

    public BrowserSipPhone Browser { get; }

    /// <summary>Agent 1001 dials 2000 and the PBX answers: the call is up.</summary>
    public async Task<FakeOutboundLeg> AgentCallAnsweredAsync()
    {
        await Browser.RegisterAsync();
        await Browser.DialAsync("2000");
        var leg = await Pbx.WaitForLegAsync();
        leg.Request.Observer.OnAnswered();
        await Browser.WaitAnsweredAsync();
        return leg;
    }

    /// <summary>The PBX offers agent 1001 a call and the browser answers it: the call is up.</summary>
    public async Task<FakeInboundCall> PbxCallAnsweredAsync()
    {
        await Browser.RegisterAsync();
        var pbxCall = new FakeInboundCall();
        ((IPbxInboundHandler)Manager).OnInboundCall(pbxCall);
        await Browser.AnswerIncomingAsync();
        return pbxCall;
    }

    public async ValueTask DisposeAsync()
    {
        var calls = Manager.Calls.ToList();
        await Task.WhenAll(calls.Select(c => c.HangupAsync("test over")));
        await Task.WhenAll(calls.Select(c => c.Ended)).WaitAsync(TimeSpan.FromSeconds(10));
        if (AgentStates is not null)
        {
            await AgentStates.DisposeAsync();
        }

        _stack.Dispose();
        _mediaLoops.Dispose();
    }
}
