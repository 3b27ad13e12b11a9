using System.Text;
using PbxBridge.Hosting;
using PbxBridge.Metrics;

namespace PbxBridge.Cluster;

/// <summary>
/// What /metrics says of the node and its cluster, so one Prometheus scraping every node tells them apart and sees
/// Redis outages: pbxbridge_node_info{node,version} 1 on every node (join it on instance to label any series by node);
/// with Cluster:Redis, whether Redis answers, its outages, agents lost to other nodes and auth failures they reported.
/// </summary>
public sealed class ClusterMetrics(PbxBridgeMetrics metrics, NodeInfo node, RedisClusterLink? redis, ClusterMessages? messages) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.Labeled = Write;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Write(StringBuilder text)
    {
        text.Append("# HELP pbxbridge_node_info This node (Cluster:NodeId, else the host name) and its version.\n# TYPE pbxbridge_node_info gauge\n")
            .Append("pbxbridge_node_info{node=\"").Append(node.Id).Append("\",version=\"").Append(Cli.VersionCommand.Version).Append("\"} 1\n");
        if (redis is null)
        {
            return;
        }

        Line(text, "pbxbridge_cluster_redis_up", "gauge", "1 while the cluster's Redis (Cluster:Redis) answers; 0: this node goes on alone.", redis.IsConnected ? 1 : 0);
        Line(text, "pbxbridge_cluster_redis_outages_total", "counter", "Times the cluster's Redis became unreachable.", redis.Outages);
        if (messages is not null)
        {
            Line(text, "pbxbridge_cluster_agents_moved_away_total", "counter", "Agents whose registrations here were dropped because they registered on another node.", messages.AgentsMovedAway);
            Line(text, "pbxbridge_cluster_auth_failures_reported_total", "counter", "Failed authentications other nodes reported, counted toward this node's throttling.", messages.RemoteAuthFailures);
        }
    }

    private static void Line(StringBuilder text, string name, string type, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value).Append('\n');
}
