using System.Threading.Channels;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Pbx.Contract;

/// <summary>Stands in for the Calls room's inbound side: collects calls and control-connection changes. Like the Calls
/// room, it refuses a call for an id that is none of <see cref="Agents"/> with cause 1 (UNALLOCATED_NUMBER, which the
/// shipped FreeSWITCH dialplan falls through on to the site's own numbers) and one for an agent not in
/// <see cref="Registered"/> with cause 20; each set, when null, lets every id through.</summary>
public sealed class RecordingInboundHandler : IPbxInboundHandler
{
    private int _connected;
    private int _disconnected;

    public HashSet<string>? Agents { get; init; }

    public HashSet<string>? Registered { get; init; }

    public Channel<InboundPbxCall> Calls { get; } = Channel.CreateUnbounded<InboundPbxCall>();

    public Channel<bool> ConnectionChanges { get; } = Channel.CreateUnbounded<bool>();

    public int ConnectedChanges => Volatile.Read(ref _connected);

    public int DisconnectedChanges => Volatile.Read(ref _disconnected);

    /// <summary>Called inside OnInboundCall, e.g. to reject at once.</summary>
    public Action<InboundPbxCall>? OnCall { get; set; }

    public void OnInboundCall(InboundPbxCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (Agents is { } agents && !agents.Contains(call.AgentId))
        {
            _ = call.RejectAsync(PbxCause.Unallocated, CancellationToken.None);
            return;
        }

        if (Registered is { } registered && !registered.Contains(call.AgentId))
        {
            _ = call.RejectAsync(PbxCause.SubscriberAbsent, CancellationToken.None);
            return;
        }

        OnCall?.Invoke(call);
        Calls.Writer.TryWrite(call);
    }

    public void OnControlConnectionChanged(bool connected)
    {
        if (connected)
        {
            Interlocked.Increment(ref _connected);
        }
        else
        {
            Interlocked.Increment(ref _disconnected);
        }

        ConnectionChanges.Writer.TryWrite(connected);
    }
}
