using System.Text.Json;
using PbxBridge.Calls;
using PbxBridge.Calls.Pbx;
using PbxBridge.Hosting;
using PbxBridge.Sip;
using StackExchange.Redis;

namespace PbxBridge.Cluster;

/// <summary>
/// Writes this node's <see cref="NodeSnapshot"/> to Redis every <see cref="Interval"/> with a time to live of
/// <see cref="TimeToLive"/>: a node that dies (kill -9, host down) drops out of the cluster view on its own within
/// that time, with no other node having to notice. Also reads the view (<see cref="ReadAsync"/>): every node in
/// the set pbxbridge:nodes whose key is still alive; members whose key expired are pruned from the set.
/// </summary>
public sealed class ClusterHeartbeat(RedisClusterLink? redis, string nodeId, Func<NodeSnapshot> local) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(6);
    private const string NodesKey = RedisClusterLink.KeyPrefix + "nodes";

    /// <summary>This node, now, from the running service's parts.</summary>
    public static Func<NodeSnapshot> LocalOf(NodeInfo node, IPbx pbx, SipStack sip, CallManager calls)
    {
        ArgumentNullException.ThrowIfNull(node);
        return () => new NodeSnapshot(
            node.Id,
            Cli.VersionCommand.Version,
            node.StartedAt,
            DateTimeOffset.UtcNow,
            pbx.Kind,
            pbx.IsControlConnected,
            [.. sip.Registrations.Select(r => r.AgentId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            [.. calls.Calls.Select(c => c.Snapshot()).OrderBy(c => c.StartedAt)]);
    }

    /// <summary>This node, now.</summary>
    public NodeSnapshot Local() => local();

    /// <summary>The cluster from Redis; this node alone without Redis or while it is unreachable.</summary>
    public async Task<ClusterReport> ReadAsync()
    {
        var nodes = redis is null ? null : await ReadNodesAsync(redis).ConfigureAwait(false);
        if (nodes is null)
        {
            return new ClusterReport("local", nodeId, [Local()]);
        }

        // This node's own entry is the freshest reading of itself.
        nodes.RemoveAll(n => n.Node == nodeId);
        nodes.Add(Local());
        return new ClusterReport("redis", nodeId, [.. nodes.OrderBy(n => n.Node, StringComparer.Ordinal)]);
    }

    /// <summary>Every node whose heartbeat is alive in Redis, by id; null when Redis is unreachable.</summary>
    public static async Task<List<NodeSnapshot>?> ReadNodesAsync(RedisClusterLink redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var nodes = new List<NodeSnapshot>();
        var read = await redis.TryAsync(async db =>
        {
            var members = await db.SetMembersAsync(NodesKey).ConfigureAwait(false);
            if (members.Length == 0)
            {
                return;
            }

            var values = await db.StringGetAsync([.. members.Select(m => (RedisKey)NodeKey(m!))]).ConfigureAwait(false);
            for (var i = 0; i < members.Length; i++)
            {
                if (values[i].IsNullOrEmpty)
                {
                    // Its heartbeat ran out: the node is gone.
                    await db.SetRemoveAsync(NodesKey, members[i]).ConfigureAwait(false);
                    continue;
                }

                if (JsonSerializer.Deserialize((string)values[i]!, ClusterJsonContext.Default.NodeSnapshot) is { } snapshot)
                {
                    nodes.Add(snapshot);
                }
            }
        }).ConfigureAwait(false);
        return read ? [.. nodes.OrderBy(n => n.Node, StringComparer.Ordinal)] : null;
    }

    /// <summary>One heartbeat now (the loop's step; tests call it directly).</summary>
    public Task<bool> BeatAsync()
    {
        if (redis is null)
        {
            return Task.FromResult(false);
        }

        var json = JsonSerializer.Serialize(Local(), ClusterJsonContext.Default.NodeSnapshot);
        return redis.TryAsync(async db =>
        {
            await db.StringSetAsync(NodeKey(nodeId), json, TimeToLive).ConfigureAwait(false);
            await db.SetAddAsync(NodesKey, nodeId).ConfigureAwait(false);
        });
    }

    /// <summary>Takes this node out of the view at once (clean shutdown) instead of after its time to live.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (redis is not null)
        {
            await redis.TryAsync(async db =>
            {
                await db.KeyDeleteAsync(NodeKey(nodeId)).ConfigureAwait(false);
                await db.SetRemoveAsync(NodesKey, nodeId).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (redis is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        do
        {
            await BeatAsync().ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static string NodeKey(string id) => RedisClusterLink.KeyPrefix + "node:" + id;
}
