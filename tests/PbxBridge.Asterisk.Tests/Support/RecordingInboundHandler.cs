using System.Threading.Channels;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk.Tests.Support;

/// <summary>Collects inbound calls and connection changes.</summary>
internal sealed class RecordingInboundHandler : IPbxInboundHandler
{
    public Channel<InboundPbxCall> Calls { get; } = Channel.CreateUnbounded<InboundPbxCall>();

    public int ConnectedChanges;

    public int DisconnectedChanges;

    /// <summary>Called inside OnInboundCall, e.g. to reject at once.</summary>
    public Action<InboundPbxCall>? OnCall { get; set; }

    public void OnInboundCall(InboundPbxCall call)
    {
        OnCall?.Invoke(call);
        Calls.Writer.TryWrite(call);
    }

    public void OnControlConnectionChanged(bool connected)
    {
        if (connected)
        {
            Interlocked.Increment(ref ConnectedChanges);
        }
        else
        {
            Interlocked.Increment(ref DisconnectedChanges);
        }
    }
}
