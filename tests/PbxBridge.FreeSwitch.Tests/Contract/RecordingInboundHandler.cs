using System.Threading.Channels;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>The Calls room's inbound side: agents in <see cref="Registered"/> get their calls, others are refused with cause 20.</summary>
internal sealed class RecordingInboundHandler : IPbxInboundHandler
{
    public HashSet<string> Registered { get; } = ["1001"];

    public Channel<InboundPbxCall> Calls { get; } = Channel.CreateUnbounded<InboundPbxCall>();

    public Channel<bool> ConnectionChanges { get; } = Channel.CreateUnbounded<bool>();

    public void OnInboundCall(InboundPbxCall call)
    {
        if (!Registered.Contains(call.AgentId))
        {
            _ = call.RejectAsync(PbxCause.SubscriberAbsent, CancellationToken.None);
            return;
        }

        Calls.Writer.TryWrite(call);
    }

    public void OnControlConnectionChanged(bool connected) => ConnectionChanges.Writer.TryWrite(connected);
}
