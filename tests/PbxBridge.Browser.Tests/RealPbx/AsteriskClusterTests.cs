using System.Diagnostics;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Browser.Tests.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.RealPbx;

/// <summary>
/// Issue 19 on the real Asterisk: three PbxBridge nodes behind the shipped HAProxy front, six agents (JsSIP and SIP.js
/// in Chromium) spread over them. A queue reaches agents on every node, agents on different nodes hear each other,
/// and a node killed with kill -9 mid-call takes nothing else down: its agents register again through the front on
/// the other nodes within 15 s and take the next queue call, the other nodes' calls go on, its calls end on the PBX
/// side within one channel lease, and once it is restarted (systemd's Restart=on-failure) nothing of it is left.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AsteriskClusterTests(AsteriskClusterFixture cluster) : IClassFixture<AsteriskClusterFixture>
{
    private const string Queue = "pbxbridge-cluster";
    private static readonly TimeSpan ReregisterLimit = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task Three_nodes_behind_haproxy_share_the_queue_and_survive_one_killed_mid_call()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var agents = await Task.WhenAll(Enumerable.Range(0, AsteriskClusterFixture.AgentCount)
            .Select(i => AgentBrowser.LaunchAsync(AsteriskClusterFixture.Library(i), AsteriskClusterFixture.MicrophoneHz(i))));
        try
        {
            await RunAsync(agents);
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }

    private async Task RunAsync(AgentBrowser[] agents)
    {
        // Every agent signs in through the front; leastconn spreads them two a node.
        for (var i = 0; i < agents.Length; i++)
        {
            await agents[i].RegisterAsync(cluster.FrontUri, AsteriskClusterFixture.AgentId(i), RealPbxAgents.Password, keepRegistered: true);
        }

        var placement = new Dictionary<string, int>();
        for (var node = 0; node < AsteriskClusterFixture.NodeCount; node++)
        {
            foreach (var agent in await cluster.AgentsOnAsync(node))
            {
                Assert.True(placement.TryAdd(agent, node), $"agent {agent} registered on two nodes");
            }
        }

        Assert.Equal(AsteriskClusterFixture.AgentCount, placement.Count);
        Assert.True(
            Enumerable.Range(0, AsteriskClusterFixture.NodeCount).All(n => placement.Values.Count(v => v == n) == 2),
            $"not two agents a node: {string.Join(", ", placement.Select(p => $"{p.Key}@{AsteriskClusterFixture.NodeId(p.Value)}"))}\n{cluster.FrontOutput}");
        foreach (var (agent, node) in placement)
        {
            Assert.True(await Poll.UntilAsync(async () => await cluster.ApplicationOfAsync(agent) == App(node), TimeSpan.FromSeconds(10)), $"Asterisk does not route {agent} to {App(node)}: '{await cluster.ApplicationOfAsync(agent)}'");
        }

        await cluster.Pbx.RunDocumentedStepsAsync("cluster", cluster.Pbx.PbxBridgeSettings);

        // Roles: the first agent of each node is a queue member (in node order, strategy linear); node3 is the victim.
        int[] First(int node) => [.. placement.Where(p => p.Value == node).Select(p => int.Parse(p.Key, System.Globalization.CultureInfo.InvariantCulture) - 1001).Order()];
        var (a, b) = (First(0)[0], First(0)[1]);
        var c = First(1)[0];
        var (e, f) = (First(2)[0], First(2)[1]);
        await SetUpQueueAsync(a, c, e);

        // The queue delivers a caller to an agent on every node (each one busy afterwards, so the next goes further).
        foreach (var member in new[] { a, c, e })
        {
            await WaitQueueFreeAsync(member);
            await cluster.Pbx.RxAsync("channel originate Local/510@lab-queue application Milliwatt");
            await agents[member].WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await agents[member].AnswerAsync();
            await agents[member].AssertHearsAsync(RealAsterisk.MilliwattHz, $"queue caller on {Node(placement, member)}");
        }

        // Agent to agent across nodes (node1 -> node3): each hears the other's microphone.
        var call = agents[b].CallAsync(AsteriskClusterFixture.AgentId(f));
        await agents[f].WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await agents[f].AnswerAsync();
        await call;
        await agents[b].AssertHearsAsync(AsteriskClusterFixture.MicrophoneHz(f), "the agent on node3");
        await agents[f].AssertHearsAsync(AsteriskClusterFixture.MicrophoneHz(b), "the agent on node1");

        // kill -9 of node3 with two calls on it.
        await cluster.KillAsync(2);
        var killedAt = Stopwatch.StartNew();

        // Its agents reconnect through the front and are registered, and routed, on the other nodes within 15 s.
        foreach (var moved in new[] { e, f })
        {
            var id = AsteriskClusterFixture.AgentId(moved);
            var back = await Poll.UntilAsync(
                async () => (await cluster.AgentsOnAsync(0)).Contains(id) || (await cluster.AgentsOnAsync(1)).Contains(id),
                ReregisterLimit - killedAt.Elapsed);
            Assert.True(back, $"agent {id} not registered on node1 or node2 {killedAt.Elapsed.TotalSeconds:0.0} s after node3 died\n{agents[moved].Log}\n{cluster.FrontOutput}");
            Assert.True(await Poll.UntilAsync(async () => await cluster.ApplicationOfAsync(id) is "pbxbridge-node1" or "pbxbridge-node2", TimeSpan.FromSeconds(5)), $"{id} still routed to '{await cluster.ApplicationOfAsync(id)}'");
        }

        var reregistered = killedAt.Elapsed;

        // The other nodes' calls never dropped: both queue callers still heard.
        await agents[a].AssertHearsAsync(RealAsterisk.MilliwattHz, "node1's queue call after node3 died");
        await agents[c].AssertHearsAsync(RealAsterisk.MilliwattHz, "node2's queue call after node3 died");

        // node3's calls end on the PBX side by themselves within one channel lease (Media:ConsentTimeoutSeconds, 10 s
        // here): Asterisk hangs up the channels node3 stopped renewing, and node1 sends its agent, who was talking to
        // node3's, a BYE. Nobody else touched them.
        RealPbxFixture<RealAsterisk>.AssertEnded(await agents[b].WaitEndAsync(TimeSpan.FromSeconds(25)), agents[b]);
        Assert.True(
            await Poll.UntilAsync(async () => !(await ChannelsAsync()).Contains("pbxbridge-node3", StringComparison.Ordinal), TimeSpan.FromSeconds(20)),
            $"node3's channels still in Asterisk {killedAt.Elapsed.TotalSeconds:0} s after it died:\n{await ChannelsAsync()}");
        var endedOnPbx = killedAt.Elapsed;
        Assert.True(endedOnPbx < TimeSpan.FromSeconds(AsteriskClusterFixture.ConsentTimeoutSeconds + 5), $"node3's calls ended on the PBX only {endedOnPbx.TotalSeconds:0.0} s after it died");

        // A moved agent takes the next queue call on its new node.
        await WaitQueueFreeAsync(e);
        await cluster.Pbx.RxAsync("channel originate Local/510@lab-queue application Milliwatt");
        await agents[e].WaitIncomingAsync(RealPbxAgents.RingTimeout, fresh: true);
        await agents[e].AnswerAsync();
        await agents[e].AssertHearsAsync(RealAsterisk.MilliwattHz, "the queue caller after moving");

        // systemd restarts the dead node: its start deletes the empty bridges its calls left in its application, and
        // touches nothing of the others.
        await cluster.RestartAsync(2);
        await agents[a].AssertHearsAsync(RealAsterisk.MilliwattHz, "node1's queue call after node3 came back");
        await agents[c].AssertHearsAsync(RealAsterisk.MilliwattHz, "node2's queue call after node3 came back");
        await agents[e].AssertHearsAsync(RealAsterisk.MilliwattHz, "the moved agent's call after node3 came back");
        Assert.Empty(await cluster.AgentsOnAsync(2));

        foreach (var agent in new[] { a, c, e })
        {
            await agents[agent].HangupAsync();
        }

        await AssertNothingLeftAsync();
        Console.WriteLine($"cluster: node3's agents registered on other nodes {reregistered.TotalSeconds:0.0} s after kill -9; its calls ended on the PBX {endedOnPbx.TotalSeconds:0.0} s after");
    }

    private static string App(int node) => "pbxbridge-" + AsteriskClusterFixture.NodeId(node);

    private static string Node(Dictionary<string, int> placement, int agent) => AsteriskClusterFixture.NodeId(placement[AsteriskClusterFixture.AgentId(agent)]);

    /// <summary>A queue of one agent per node, rung in that order (linear), skipping agents that are not free.</summary>
    private async Task SetUpQueueAsync(params int[] members)
    {
        await File.AppendAllTextAsync(
            Path.Combine(cluster.Pbx.RunDirectory, "etc", "queues.conf"),
            $"\n[{Queue}]\nstrategy = linear\nringinuse = no\ntimeout = 15\nretry = 1\n");
        await cluster.Pbx.RxAsync("module reload app_queue.so");
        foreach (var member in members)
        {
            var id = AsteriskClusterFixture.AgentId(member);
            await cluster.Pbx.RxAsync($"queue add member Local/{id}@pbxbridge-agents/n to {Queue} penalty 0 as agent{id} state_interface Stasis:pbxbridge-{id}");
        }

        await cluster.Pbx.RxAsync($"dialplan add extension 510,1,Answer() into lab-queue");
        await cluster.Pbx.RxAsync($"dialplan add extension 510,2,Queue({Queue},t) into lab-queue");
    }

    private async Task WaitQueueFreeAsync(int member)
    {
        var id = AsteriskClusterFixture.AgentId(member);
        var line = string.Empty;
        var free = await Poll.UntilAsync(
            async () => (line = (await cluster.Pbx.RxAsync($"queue show {Queue}")).Split('\n').FirstOrDefault(l => l.Contains("agent" + id, StringComparison.Ordinal)) ?? "") is var l
                && System.Text.RegularExpressions.Regex.Replace(l, @"\x1b\[[0-9;]*m", string.Empty).Contains("(Not in use)", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15));
        Assert.True(free, $"queue member {id} never free: {line}");
    }

    private Task<string> ChannelsAsync() => cluster.Pbx.RxAsync("core show channels concise");

    private async Task AssertNothingLeftAsync()
    {
        var (clean, left) = await cluster.Pbx.WaitCleanAsync(TimeSpan.FromSeconds(20));
        Assert.True(clean, $"left in Asterisk:\n{left}");
        for (var node = 0; node < AsteriskClusterFixture.NodeCount; node++)
        {
            var calls = string.Empty;
            var empty = await Poll.UntilAsync(
                async () => (calls = (await cluster.Nodes[node].Http.GetStringAsync(new Uri("api/calls", UriKind.Relative))).Trim()) == "[]",
                TimeSpan.FromSeconds(10));
            Assert.True(empty, $"left on {AsteriskClusterFixture.NodeId(node)}: {calls}");
        }
    }
}
