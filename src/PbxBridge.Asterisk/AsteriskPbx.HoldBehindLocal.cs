using System.Collections.Concurrent;
using PbxBridge.Asterisk.Ari.Events;

namespace PbxBridge.Asterisk;

/// <summary>
/// The far party's hold behind a Local channel (a queue caller, a trunk call sent to Local/...@pbxbridge-agents).
/// Asterisk raises ChannelHold on the channel whose device holds (a res_pjsip phone's sendonly re-INVITE, a bridge
/// feature run with music on hold): the party bridged with the Local channel's ;1 half. The hold crosses the Local
/// channel as a plain control frame, and no event names the ;2 half in our application (recorded:
/// far-party-hold-through-local*.jsonl). So once the agent answered, the application subscribes to the channels
/// bridged with the ;1 half (found by name: the halves are "Local/&lt;exten&gt;@&lt;context&gt;-&lt;n&gt;;1" and ";2") and takes
/// their ChannelHold and ChannelUnhold as the far party's (recorded: queue-caller-hold-through-local.jsonl). The
/// subscriptions are withdrawn when the call ends: a channel subscribed to is listed in the application as if it were
/// in it, and the reconciliation must never take a caller for a leftover of ours.
/// </summary>
public sealed partial class AsteriskPbx
{
    private readonly ConcurrentDictionary<string, AsteriskCall> _holdSources = new(StringComparer.Ordinal);

    /// <summary>How often, and how many times, the ;1 half is looked for in a bridge after the answer (app_queue and
    /// Dial bridge it with the caller moments after ours: 0.25 s in the recording).</summary>
    private static readonly TimeSpan HoldSourcePoll = TimeSpan.FromMilliseconds(250);

    private const int HoldSourceAttempts = 20;

    /// <summary>Subscribes to the channels bridged with the other half of an answered inbound Local channel.</summary>
    internal async Task FollowHoldBehindLocalAsync(AsteriskCall call)
    {
        if (call.FarChannelName is not { } name || !name.StartsWith("Local/", StringComparison.Ordinal) || !name.EndsWith(";2", StringComparison.Ordinal))
        {
            return;
        }

        var firstHalfName = name[..^1] + "1";
        for (var attempt = 0; attempt < HoldSourceAttempts && !call.IsEnded; attempt++)
        {
            var firstHalf = (await Client.ListChannelsAsync().ConfigureAwait(false)).FirstOrDefault(c => c.Name == firstHalfName);
            if (firstHalf is null || firstHalf.Id.StartsWith(Prefix, StringComparison.Ordinal))
            {
                // Gone already, or another agent's call of ours (agent to agent): its holds reach this call directly.
                return;
            }

            var bridge = (await Client.ListBridgesAsync().ConfigureAwait(false)).FirstOrDefault(b => b.Channels.Contains(firstHalf.Id));
            if (bridge is not null)
            {
                foreach (var id in bridge.Channels.Where(id => id != firstHalf.Id && !id.StartsWith(Prefix, StringComparison.Ordinal)))
                {
                    await FollowHoldOfAsync(call, id).ConfigureAwait(false);
                }

                return;
            }

            await Task.Delay(HoldSourcePoll).ConfigureAwait(false);
        }
    }

    private async Task FollowHoldOfAsync(AsteriskCall call, string channelId)
    {
        if (!call.AddHoldSource(channelId))
        {
            return;
        }

        _holdSources[channelId] = call;
        await Client.SubscribeAsync(Options.Application, "channel:" + channelId).ConfigureAwait(false);
        if (call.IsEnded)
        {
            // Ended while subscribing: its cleanup may have withdrawn the others already.
            await StopFollowingHoldAsync(call).ConfigureAwait(false);
        }
    }

    /// <summary>Withdraws the call's subscriptions (each step tolerates a channel already gone).</summary>
    internal async Task StopFollowingHoldAsync(AsteriskCall call)
    {
        foreach (var id in call.TakeHoldSources())
        {
            _holdSources.TryRemove(new KeyValuePair<string, AsteriskCall>(id, call));
            await IgnoreErrorsAsync(() => Client.UnsubscribeAsync(Options.Application, "channel:" + id, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    /// <summary>A followed channel's hold or resume is the far party's; true when the event was one.</summary>
    private bool OnHoldSourceEvent(ChannelEvent channelEvent)
    {
        if (channelEvent is not (ChannelHold or ChannelUnhold) || !_holdSources.TryGetValue(channelEvent.Channel.Id, out var call))
        {
            return false;
        }

        call.OnFarSideHold(channelEvent is ChannelHold);
        return true;
    }

    private bool IsHoldSource(string channelId) => _holdSources.ContainsKey(channelId);
}
