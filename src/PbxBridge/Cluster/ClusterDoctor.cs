using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Configuration;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Cluster;

/// <summary>
/// `pbxbridge doctor`'s cluster check: a single node says so; a cluster node with Cluster:Redis lists the nodes
/// whose heartbeats are alive and which agents are registered on each (Redis unreachable fails the check: the nodes
/// then run alone); without Redis, only this node's own /healthz knows its agents.
/// </summary>
public static class ClusterDoctor
{
    public static async Task<DoctorCheck> CheckAsync(ClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (!cluster.Enabled)
        {
            return new("cluster", DoctorOutcome.Passed, "single node (no Cluster:NodeId)");
        }

        if (cluster.Redis is not { } where)
        {
            return new("cluster", DoctorOutcome.Passed, $"node {cluster.NodeId}; no Cluster:Redis: registrations, auth throttling and `pbxbridge calls` are this node's own");
        }

        await using var redis = await RedisClusterLink.ConnectAsync(where, NullLogger.Instance);
        var nodes = redis.IsConnected ? await ClusterHeartbeat.ReadNodesAsync(redis) : null;
        if (nodes is null)
        {
            return new("cluster", DoctorOutcome.Failed, $"Redis at {redis.Where} (Cluster:Redis) does not answer: every node goes on alone (no shared registrations, auth throttling or cluster view); start redis-server there or fix Cluster:Redis");
        }

        var listed = nodes.Count == 0
            ? "no node alive yet"
            : string.Join("; ", nodes.Select(n => $"{n.Node}{(n.PbxConnected ? "" : " (PBX down)")}: {(n.Agents.Count == 0 ? "no agents" : "agents " + string.Join(",", n.Agents))}, {n.Calls.Count} call{(n.Calls.Count == 1 ? "" : "s")}"));
        return new("cluster", DoctorOutcome.Passed, $"node {cluster.NodeId}, Redis at {redis.Where}: {nodes.Count} node{(nodes.Count == 1 ? "" : "s")} alive: {listed}");
    }
}
