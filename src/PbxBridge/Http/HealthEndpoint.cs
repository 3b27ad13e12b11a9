using System.Text.Json.Serialization;
using PbxBridge.Calls.Pbx;
using PbxBridge.Cli;
using PbxBridge.Cluster;
using PbxBridge.Hosting;

namespace PbxBridge.Http;

/// <summary>
/// GET /healthz: 200 with version, uptime, the PBX control connection's state and the cluster as this node sees it
/// (every live node with its agents and number of calls: from Redis with Cluster:Redis, else this node alone). No
/// secrets, no auth: the front's health checks read it.
/// </summary>
public static class HealthEndpoint
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", async (IPbx pbx, NodeInfo node, ClusterHeartbeat cluster) =>
        {
            var view = await cluster.ReadAsync();
            var report = new HealthReport(
                "ok",
                VersionCommand.Version,
                node.Id,
                (long)(DateTimeOffset.UtcNow - node.StartedAt).TotalSeconds,
                new PbxHealth(pbx.Kind, pbx.IsControlConnected),
                new ClusterHealth(view.Source, [.. view.Nodes.Select(n => new NodeHealth(n.Node, n.PbxConnected, n.Agents, n.Calls.Count))]));
            return Results.Json(report, HttpJsonContext.Default.HealthReport);
        });
    }
}

public sealed record HealthReport(string Status, string Version, string Node, long UptimeSeconds, PbxHealth Pbx, ClusterHealth Cluster);

public sealed record PbxHealth(string Kind, bool Connected);

/// <summary>"redis": every node whose heartbeat is alive; "local": this node only (no Cluster:Redis, or Redis down).</summary>
public sealed record ClusterHealth(string Source, IReadOnlyList<NodeHealth> Nodes);

public sealed record NodeHealth(string Node, bool PbxConnected, IReadOnlyList<string> Agents, int Calls);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
