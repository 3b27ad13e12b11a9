using System.Text.Json.Serialization;
using PbxBridge.Calls.Pbx;
using PbxBridge.Cli;
using PbxBridge.Hosting;

namespace PbxBridge.Http;

/// <summary>GET /healthz: 200 with version, uptime and the PBX control connection's state (no secrets, no auth).</summary>
public static class HealthEndpoint
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", (IPbx pbx, NodeInfo node) =>
        {
            var report = new HealthReport(
                "ok",
                VersionCommand.Version,
                node.Id,
                (long)(DateTimeOffset.UtcNow - node.StartedAt).TotalSeconds,
                new PbxHealth(pbx.Kind, pbx.IsControlConnected));
            return Results.Json(report, HttpJsonContext.Default.HealthReport);
        });
    }
}

public sealed record HealthReport(string Status, string Version, string Node, long UptimeSeconds, PbxHealth Pbx);

public sealed record PbxHealth(string Kind, bool Connected);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
