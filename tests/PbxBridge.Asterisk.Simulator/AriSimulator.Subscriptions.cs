using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// <c>POST</c> / <c>DELETE /applications/{app}/subscription?eventSource=channel:{id}</c>, as Asterisk 22.10.1 answers
/// them (recorded: queue-caller-hold-through-local.jsonl): 200 with the application, whose <c>channel_ids</c> then
/// list the subscribed channel as if it were in the application; counted, one DELETE undoes one POST. And the queue
/// call that makes them worth having: a caller bridged (outside any application) with the ;1 half of a member's Local
/// channel whose ;2 half is in Stasis, and the caller's own hold, which only applications subscribed to it hear of.
/// </summary>
public sealed partial class AriSimulator
{
    private readonly Dictionary<(string App, string Channel), int> _subscriptions = [];

    /// <summary>Channel subscriptions in force, "app channel:id" (a test checks none is left behind).</summary>
    public IReadOnlyList<string> ChannelSubscriptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions.Keys.Select(k => $"{k.App} channel:{k.Channel}")];
            }
        }
    }

    /// <summary>
    /// A queue call to <paramref name="agentId"/>: the caller (Local/500@lab-queue-N;2, running Queue) bridged with the
    /// member's Local/{agent}@pbxbridge-agents-N;1, whose ;2 half enters Stasis(app,agent=ID) as in
    /// <see cref="InjectInboundCall"/>. Returns the ;2 half's id and the caller's.
    /// </summary>
    public (string FarChannelId, string CallerChannelId) InjectQueueCall(string agentId, string app = "pbxbridge")
    {
        var far = InjectInboundCall(agentId, "5551234", "Customer", FarBehaviour.Tone, app);
        lock (_gate)
        {
            var local = _channels[far].Name[..^2].Split('-')[^1];
            var caller = new SimChannel { Id = NewUniqueId(), Name = $"Local/500@lab-queue-{local};2", State = "Up", AppName = "Queue", AppData = "pbxbridge-support,t" };
            var member = new SimChannel { Id = NewUniqueId(), Name = _channels[far].Name[..^1] + "1", State = "Up" };
            _channels[caller.Id] = caller;
            _channels[member.Id] = member;
            var bridge = new SimBridge(Guid.NewGuid().ToString(), "basic", "");
            bridge.ChannelIds.AddRange([caller.Id, member.Id]);
            _bridges[bridge.Id] = bridge;
            return (far, caller.Id);
        }
    }

    /// <summary>The channel's device holds (or resumes): ChannelHold / ChannelUnhold to each application subscribed to it.</summary>
    public void HoldFromDevice(string channelId, bool held)
    {
        lock (_gate)
        {
            var channel = _channels[channelId];
            foreach (var app in _subscriptions.Keys.Where(k => k.Channel == channelId).Select(k => k.App).Distinct())
            {
                // Recorded: a hold names the music class it suggests, before the channel.
                var leading = held ? new JsonObject { ["musicclass"] = "default" } : null;
                Emit(AriShapes.Event(held ? "ChannelHold" : "ChannelUnhold", app, leading, new JsonObject { ["channel"] = AriShapes.Channel(channel) }));
            }
        }
    }

    private Task Subscription(HttpContext context, string app, bool subscribe)
    {
        var source = Q(context.Request, "eventSource");
        if (source.Length == 0)
        {
            return Error(context, 400, "Required parameter eventSource not provided");
        }

        lock (_gate)
        {
            if (!_registeredApps.Contains(app))
            {
                return Error(context, 404, "Application not found");
            }

            foreach (var one in source.Split(','))
            {
                if (!one.StartsWith("channel:", StringComparison.Ordinal))
                {
                    continue;
                }

                var key = (app, one["channel:".Length..]);
                var count = _subscriptions.GetValueOrDefault(key) + (subscribe ? 1 : -1);
                if (count > 0)
                {
                    _subscriptions[key] = count;
                }
                else
                {
                    _subscriptions.Remove(key);
                }
            }
        }

        return Applications(context, app);
    }

    private IEnumerable<string> SubscribedChannelsLocked(string app) =>
        _subscriptions.Keys.Where(k => k.App == app).Select(k => k.Channel);
}
