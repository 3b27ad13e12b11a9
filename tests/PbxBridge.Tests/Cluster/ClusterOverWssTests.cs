using System.Text.Json;
using PbxBridge.Tests.Cli;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Cluster;

/// <summary>
/// Two whole PbxBridge nodes (Kestrel, SIP over WSS, the demo PBX) sharing a real redis-server: each node's /healthz
/// and `pbxbridge calls` show both nodes with their agents and calls, an agent that registers on the other node is
/// dropped here, failed passwords count across the nodes, and /metrics names the node and Redis's state.
/// </summary>
public sealed class ClusterOverWssTests
{
    private static readonly string Offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"))
        .ReplaceLineEndings("\r\n");

    [Fact]
    public async Task Two_nodes_share_their_view_their_agents_and_their_auth_failures_through_redis()
    {
        await using var redis = await RealRedis.StartAsync();
        await using var nodeA = await InProcessPbxBridge.StartAsync("--Cluster:NodeId=node_a", $"--Cluster:Redis={redis.Configuration}");
        await using var nodeB = await InProcessPbxBridge.StartAsync(
            "--Cluster:NodeId=node_b", $"--Cluster:Redis={redis.Configuration}",
            "--Media:BrowserPortStart=47300", "--Media:BrowserPortEnd=47349", "--Media:PbxPortStart=47500", "--Media:PbxPortEnd=47549");

        await using var alice = await WssSipClient.ConnectAsync(nodeA.SipUri, "1001");
        await using var bob = await WssSipClient.ConnectAsync(nodeB.SipUri, "1002");
        Assert.Equal(200, (await alice.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(200, (await bob.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(180, (await alice.InviteAsync("602", Offer)).StatusCode);

        // Node b's /healthz: both nodes, each with its agents and calls (node a's from its heartbeat, within 2 s).
        JsonElement cluster = default;
        Assert.True(
            await Eventually(async () =>
            {
                using var health = nodeB.NewHttpClient();
                cluster = JsonDocument.Parse(await health.GetStringAsync(new Uri("/healthz", UriKind.Relative))).RootElement.GetProperty("cluster").Clone();
                return cluster.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("node").GetString() == "node_a" && n.GetProperty("calls").GetInt32() == 1);
            }),
            $"node b's /healthz never showed node a's call: {cluster}");
        Assert.Equal("redis", cluster.GetProperty("source").GetString());
        var nodes = cluster.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!, n => n.Clone());
        Assert.Equal(["node_a", "node_b"], nodes.Keys.Order());
        Assert.Equal(["1001"], nodes["node_a"].GetProperty("agents").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["1002"], nodes["node_b"].GetProperty("agents").EnumerateArray().Select(a => a.GetString()));

        // `pbxbridge calls` on node b lists node a's call, with its node.
        var (exit, output, _) = await PbxBridgeCli.RunInStateAsync(TimeSpan.FromSeconds(60), nodeB.StateDirectory, "calls", "--json", $"--Http:Port={nodeB.BaseUri.Port}");
        Assert.True(exit == 0, output);
        var call = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray());
        Assert.Equal("node_a", call.GetProperty("node").GetString());
        Assert.Equal("1001", call.GetProperty("agentId").GetString());
        (exit, output, _) = await PbxBridgeCli.RunInStateAsync(TimeSpan.FromSeconds(60), nodeB.StateDirectory, "calls", $"--Http:Port={nodeB.BaseUri.Port}");
        Assert.True(exit == 0, output);
        Assert.Contains("cluster (Redis): 2 nodes alive: node_a, node_b", output, StringComparison.Ordinal);

        // 1001 registers on node b as well (its browser reconnected through the front to the other node): node a lets it go.
        await using var aliceOnB = await WssSipClient.ConnectAsync(nodeB.SipUri, "1001");
        Assert.Equal(200, (await aliceOnB.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.True(await Eventually(async () => !(await AgentsAsync(nodeA)).Contains("\"1001\"", StringComparison.Ordinal)), "node a kept 1001's registration");
        Assert.Contains("\"1001\"", await AgentsAsync(nodeB), StringComparison.Ordinal);
        var metricsA = await nodeA.MetricsAsync();
        Assert.Contains("pbxbridge_cluster_agents_moved_away_total 1\n", metricsA, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_node_info{node=\"node_a\"", metricsA, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_cluster_redis_up 1\n", metricsA, StringComparison.Ordinal);

        // Limits:AuthFailures (3) counts for the cluster: two wrong passwords on node a and one on node b, and node a
        // refuses the address outright (403 without a challenge), as node b does.
        await using var guesserA = await WssSipClient.ConnectAsync(nodeA.SipUri, "1002");
        await using var guesserB = await WssSipClient.ConnectAsync(nodeB.SipUri, "1002");
        Assert.Equal(401, (await guesserA.RegisterAsync("wrong-1")).StatusCode);
        Assert.Equal(401, (await guesserA.RegisterAsync("wrong-2")).StatusCode);
        Assert.Equal(401, (await guesserA.RequestAsync(guesserA.RegisterText("probe-before", null))).StatusCode);
        Assert.NotEqual(200, (await guesserB.RegisterAsync("wrong-3")).StatusCode);
        Assert.True(
            await Eventually(async () => (await guesserA.RequestAsync(guesserA.RegisterText("probe" + Guid.NewGuid().ToString("N"), null))).StatusCode == 403),
            "node a still challenges an address that failed three times across the cluster");
    }

    private static async Task<string> AgentsAsync(InProcessPbxBridge node)
    {
        using var http = node.AdminHttpClient();
        return await http.GetStringAsync(new Uri("/api/agents", UriKind.Relative));
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(200);
        }

        return true;
    }
}
