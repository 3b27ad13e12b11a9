using Microsoft.Extensions.Logging.Abstractions;

namespace PbxBridge.Sip.Tests.Support;

/// <summary>A stack on a manual clock with the test agents and a recording call handler.</summary>
internal sealed class StackHarness : IDisposable
{
    public StackHarness(Action<SipStackOptions>? configure = null)
    {
        var options = new SipStackOptions { TimeProvider = Time };
        configure?.Invoke(options);
        Stack = new SipStack(options, new TestAgents(), Handler, NullLogger<SipStack>.Instance);
    }

    public ManualTimeProvider Time { get; } = new();

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
