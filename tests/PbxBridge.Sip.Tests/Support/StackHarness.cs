namespace PbxBridge.Sip.Tests.Support;

/// <summary>A stack on a manual clock with the test agents, a recording call handler and a capturing logger.</summary>
internal sealed class StackHarness : IDisposable
{
    public StackHarness(Action<SipStackOptions>? configure = null)
    {
        var options = new SipStackOptions { TimeProvider = Time };
        configure?.Invoke(options);
        Stack = new SipStack(options, new TestAgents(), Handler, Log);
    }

    public ManualTimeProvider Time { get; } = new();

    public CapturingLogger<SipStack> Log { get; } = new();

    public RecordingCallHandler Handler { get; } = new();

    public SipStack Stack { get; }

    public TestFlow Connect(string id, bool reliable = true, string? address = null)
    {
        var flow = new TestFlow(id, reliable, address);
        Stack.OnFlowOpened(flow);
        return flow;
    }

    public void Dispose() => Stack.Dispose();
}
