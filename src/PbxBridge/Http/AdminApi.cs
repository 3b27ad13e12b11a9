using System.Text.Json.Serialization;
using PbxBridge.Calls;
using PbxBridge.Configuration;
using PbxBridge.Demo;
using PbxBridge.Metrics;
using PbxBridge.Sip;

namespace PbxBridge.Http;

/// <summary>
/// The admin API behind `pbxbridge calls|hangup|agents` (a bearer token: Http:AdminToken, or the host's admin-token
/// file; loopback alone only with Http:TrustLoopback), /metrics, the managed-heap reading for soak runs (loopback
/// only), and in demo mode the trigger that makes the demo PBX call an agent.
/// </summary>
public static class AdminApi
{
    public static void Map(WebApplication app, PbxBridgeSettings settings)
    {
        var access = app.Services.GetRequiredService<AdminAccess>();
        var api = app.MapGroup("/api").AddEndpointFilter(access.Filter());
        api.MapGet("/calls", (CallManager calls) =>
            Results.Json(calls.Calls.Select(c => c.Snapshot()).OrderBy(c => c.StartedAt).ToList(), AdminJsonContext.Default.ListCallInfo));
        api.MapGet("/calls/{id}", (string id, CallManager calls) =>
            calls.TryGet(id, out var call) ? Results.Json(call.Snapshot(), AdminJsonContext.Default.CallInfo) : Results.NotFound());
        api.MapDelete("/calls/{id}", async (string id, CallManager calls) =>
        {
            if (!calls.TryGet(id, out var call))
            {
                return Results.NotFound();
            }

            var before = call.Snapshot();
            await call.HangupAsync("hung up by admin");
            return Results.Json(before with { State = call.State, EndReason = call.EndReason }, AdminJsonContext.Default.CallInfo);
        });
        api.MapGet("/cluster", async (Cluster.ClusterHeartbeat cluster) =>
            Results.Json(await cluster.ReadAsync(), Cluster.ClusterJsonContext.Default.ClusterReport));
        api.MapGet("/agents", (SipStack sip) =>
            Results.Json(sip.Registrations.Select(AgentRegistration.From).ToList(), AdminJsonContext.Default.ListAgentRegistration));

        // Forcing collections from afar would let a token holder stall the media threads: loopback only.
        api.MapPost("/diagnostics/heap", () => Results.Json(ManagedHeapReport.CollectAndMeasure(), AdminJsonContext.Default.ManagedHeapReport))
            .AddEndpointFilter(access.Filter(loopbackOnly: true));

        app.MapGet("/metrics", (PbxBridgeMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .AddEndpointFilter(access.Filter());

        if (settings.Pbx.Kind == PbxKind.Demo)
        {
            api.MapPost("/demo/calls", (string agent, string? from, Calls.Pbx.IPbx pbx) =>
            {
                var demo = (DemoPbx)pbx;
                var caller = string.IsNullOrEmpty(from) ? "601" : from;
                var id = demo.CallAgent(agent, caller, $"Demo {caller}");
                return Results.Json(new DemoCallCreated(id), AdminJsonContext.Default.DemoCallCreated);
            });
            api.MapDelete("/demo/calls/{id}", async (string id, Calls.Pbx.IPbx pbx) =>
                await ((DemoPbx)pbx).HangupAsync(id) ? Results.NoContent() : Results.NotFound());
        }
    }
}

public sealed record DemoCallCreated(string CallId);

public sealed record AgentRegistration(string Agent, string Contact, string Flow, DateTimeOffset Expires, string UserAgent)
{
    public static AgentRegistration From(SipRegistrationInfo r) => new(r.AgentId, r.Contact, $"{r.FlowId} {r.Remote}", r.ExpiresAt, r.UserAgent ?? "");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, WriteIndented = true)]
[JsonSerializable(typeof(List<CallInfo>))]
[JsonSerializable(typeof(CallInfo))]
[JsonSerializable(typeof(List<AgentRegistration>))]
[JsonSerializable(typeof(DemoCallCreated))]
[JsonSerializable(typeof(ManagedHeapReport))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
