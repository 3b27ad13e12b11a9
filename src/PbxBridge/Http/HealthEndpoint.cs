using System.Text.Json.Serialization;
using PbxBridge.Calls;
using PbxBridge.Calls.Pbx;
using PbxBridge.Cli;
using PbxBridge.Cluster;
using PbxBridge.Hosting;

namespace PbxBridge.Http;

/// <summary>
/// GET /healthz: version, uptime, the PBX control connection's state and the cluster as this node sees it (every live
/// node with its agents and number of calls: from Redis with Cluster:Redis, else this node alone). No secrets, no auth:
/// the front's health checks read it. 200 only while this node can take a new agent: a node that is draining
/// (SIGTERM) or has no PBX control connection answers 503 with the same body, its status and the reason, so the front
/// sends new WebSockets elsewhere while the ones open here carry on.
/// </summary>
public static class HealthEndpoint
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", async (IPbx pbx, CallManager calls, NodeInfo node, ClusterHeartbeat cluster) =>
        {
            var view = await cluster.ReadAsync();
            var (status, reason) = calls.IsDraining
                ? ("draining", $"draining (SIGTERM): {calls.ActiveCalls} calls finishing, no new agents")
                : !pbx.IsControlConnected
                    ? ("pbx-down", $"no {pbx.Kind} control connection ({(pbx.Kind == "FreeSwitch" ? "ESL" : "ARI")}): reconnecting, no new agents")
                    : ("ok", null);
            var report = new HealthReport(
                status,
                reason,
                VersionCommand.Version,
                node.Id,
                (long)(DateTimeOffset.UtcNow - node.StartedAt).TotalSeconds,
                new PbxHealth(pbx.Kind, pbx.IsControlConnected),
                new ClusterHealth(view.Source, [.. view.Nodes.Select(n => new NodeHealth(n.Node, n.PbxConnected, n.Agents, n.Calls.Count))]));
            return Results.Json(report, HttpJsonContext.Default.HealthReport, statusCode: reason is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}

/// <summary><see cref="Status"/>: "ok" (200), "draining" or "pbx-down" (503, <see cref="Reason"/> says why).</summary>
public sealed record HealthReport(string Status, string? Reason, string Version, string Node, long UptimeSeconds, PbxHealth Pbx, ClusterHealth Cluster);

public sealed record PbxHealth(string Kind, bool Connected);

/// <summary>"redis": every node whose heartbeat is alive; "local": this node only (no Cluster:Redis, or Redis down).</summary>
public sealed record ClusterHealth(string Source, IReadOnlyList<NodeHealth> Nodes);

public sealed record NodeHealth(string Node, bool PbxConnected, IReadOnlyList<string> Agents, int Calls);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
