using System.Diagnostics;
using System.Globalization;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// Issue 19's cluster scenario, the same steps on Asterisk and FreeSWITCH: three PbxBridge nodes behind the shipped
/// HAProxy front, six agents (JsSIP and SIP.js in Chromium) spread over them. A queue reaches agents on every node,
/// agents on different nodes hear each other (calls placed each way), and a node killed with kill -9 mid-call takes
/// nothing else down: its agents register again through the front on the other nodes within 15 s (their libraries'
/// own WebSocket reconnect) and take the next queue call, the other nodes' calls go on, its calls end on the PBX side
/// by themselves, and once it is restarted (systemd's Restart=on-failure) nothing of it is left.
/// </summary>
public static class ClusterScenarios
{
    private static readonly TimeSpan ReregisterLimit = TimeSpan.FromSeconds(15);

    public static async Task ThreeNodesShareTheQueueAndSurviveOneKilledMidCallAsync<TPbx>(RealPbxClusterFixture<TPbx> cluster)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var agents = await Task.WhenAll(Enumerable.Range(0, RealPbxClusterFixture<TPbx>.AgentCount)
            .Select(i => AgentBrowser.LaunchAsync(RealPbxClusterFixture<TPbx>.Library(i), RealPbxClusterFixture<TPbx>.MicrophoneHz(i))));
        try
        {
            await RunAsync(cluster, agents);
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }

    private static async Task RunAsync<TPbx>(RealPbxClusterFixture<TPbx> cluster, AgentBrowser[] agents)
        where TPbx : class, IRealPbx<TPbx>
    {
        static string Id(int agent) => RealPbxClusterFixture<TPbx>.AgentId(agent);
        static double Hz(int agent) => RealPbxClusterFixture<TPbx>.MicrophoneHz(agent);

        // Every agent signs in through the front; leastconn spreads them two a node.
        for (var i = 0; i < agents.Length; i++)
        {
            await agents[i].RegisterAsync(cluster.FrontUri, Id(i), RealPbxAgents.Password, keepRegistered: true);
        }

        var placement = new Dictionary<string, int>();
        for (var node = 0; node < RealPbxClusterFixture<TPbx>.NodeCount; node++)
        {
            foreach (var agent in await cluster.AgentsOnAsync(node))
            {
                Assert.True(placement.TryAdd(agent, node), $"agent {agent} registered on two nodes");
            }
        }

        Assert.Equal(RealPbxClusterFixture<TPbx>.AgentCount, placement.Count);
        Assert.True(
            Enumerable.Range(0, RealPbxClusterFixture<TPbx>.NodeCount).All(n => placement.Values.Count(v => v == n) == 2),
            $"not two agents a node: {string.Join(", ", placement.Select(p => $"{p.Key}@{RealPbxClusterFixture<TPbx>.NodeId(p.Value)}"))}\n{cluster.FrontOutput}");

        // Each node tells the PBX it serves its agents (Asterisk: the global naming its ARI application; FreeSWITCH:
        // mod_hash naming its SIP user agent), which the shipped dialplan reads.
        foreach (var (agent, node) in placement)
        {
            await AssertRoutedAsync(cluster, agent, node);
        }

        await cluster.CheckNodesAsync();

        // Roles: the first agent of each node is a queue member (in node order); node3 is the victim.
        int[] On(int node) => [.. placement.Where(p => p.Value == node).Select(p => int.Parse(p.Key, CultureInfo.InvariantCulture) - 1001).Order()];
        var (a, b) = (On(0)[0], On(0)[1]);
        var (c, d) = (On(1)[0], On(1)[1]);
        var (e, f) = (On(2)[0], On(2)[1]);
        await cluster.SetUpQueueAsync([Id(a), Id(c), Id(e)]);

        // The queue delivers a caller to an agent on every node (each one busy afterwards, so the next goes further).
        foreach (var member in new[] { a, c, e })
        {
            await AssertQueueFreeAsync(cluster, member);
            await cluster.CallQueueAsync();
            await agents[member].WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await agents[member].AnswerAsync();
            await agents[member].AssertHearsAsync(cluster.QueueCallerHz, $"queue caller on {RealPbxClusterFixture<TPbx>.NodeId(placement[Id(member)])}");
        }

        // Agent to agent across nodes, placed each way, both hearing the other: node3 -> node2 (then hung up), and
        // node1 -> node3, kept up for the kill.
        async Task CallAcrossAsync(int caller, int callee)
        {
            var call = agents[caller].CallAsync(Id(callee));
            await agents[callee].WaitIncomingAsync(RealPbxAgents.RingTimeout, fresh: true);
            await agents[callee].AnswerAsync();
            Assert.Equal("confirmed", (await call).GetProperty("state").GetString());
            await agents[caller].AssertHearsAsync(Hz(callee), $"{Id(callee)} ({agents[callee].Library}) on {RealPbxClusterFixture<TPbx>.NodeId(placement[Id(callee)])}");
            await agents[callee].AssertHearsAsync(Hz(caller), $"{Id(caller)} ({agents[caller].Library}) on {RealPbxClusterFixture<TPbx>.NodeId(placement[Id(caller)])}");
        }

        await CallAcrossAsync(f, d);
        await agents[f].HangupAsync();
        RealPbxFixture<TPbx>.AssertEnded(await agents[d].WaitEndAsync(TimeSpan.FromSeconds(15)), agents[d]);
        Assert.True(await Poll.UntilAsync(async () => await cluster.CallCountAsync(1) == 1, TimeSpan.FromSeconds(10)), "node2 still carries d's call");
        await CallAcrossAsync(b, f);

        // kill -9 of node3 with two calls on it (e's queue call, b's call to f). Nothing tells the PBX.
        await cluster.KillAsync(2);
        var killedAt = Stopwatch.StartNew();

        // Its agents reconnect through the front and are registered, and routed, on the other nodes within 15 s.
        foreach (var moved in new[] { e, f })
        {
            var back = await Poll.UntilAsync(
                async () => (await cluster.AgentsOnAsync(0)).Contains(Id(moved)) || (await cluster.AgentsOnAsync(1)).Contains(Id(moved)),
                ReregisterLimit - killedAt.Elapsed);
            Assert.True(back, $"agent {Id(moved)} not registered on node1 or node2 {killedAt.Elapsed.TotalSeconds:0.0} s after node3 died\n{agents[moved].Log}\n{cluster.FrontOutput}");
            var now = (await cluster.AgentsOnAsync(0)).Contains(Id(moved)) ? 0 : 1;
            Assert.DoesNotContain(Id(moved), await cluster.AgentsOnAsync(1 - now));
            await AssertRoutedAsync(cluster, Id(moved), now);
        }

        var reregistered = killedAt.Elapsed;

        // The other nodes' calls never dropped: both queue callers still heard.
        await agents[a].AssertHearsAsync(cluster.QueueCallerHz, "node1's queue call after node3 died");
        await agents[c].AssertHearsAsync(cluster.QueueCallerHz, "node2's queue call after node3 died");

        // node3's calls end on the PBX side by themselves (Asterisk: the channel lease node3 stopped renewing;
        // FreeSWITCH: media_timeout), which ends the other side of each: node1 sends its agent, who was talking to
        // node3's, a BYE. Nobody else touched them.
        RealPbxFixture<TPbx>.AssertEnded(await agents[b].WaitEndAsync(TimeSpan.FromSeconds(25)), agents[b]);
        var left = string.Empty;
        Assert.True(
            await Poll.UntilAsync(async () => (left = await cluster.ChannelsOfAsync(2)).Length == 0, TimeSpan.FromSeconds(20)),
            $"node3's channels still in the PBX {killedAt.Elapsed.TotalSeconds:0} s after it died:\n{left}");
        var endedOnPbx = killedAt.Elapsed;
        Assert.True(endedOnPbx < cluster.DeadNodeCallsEndWithin, $"node3's calls ended on the PBX only {endedOnPbx.TotalSeconds:0.0} s after it died");

        // A moved agent takes the next queue call on its new node.
        await AssertQueueFreeAsync(cluster, e);
        await cluster.CallQueueAsync();
        await agents[e].WaitIncomingAsync(RealPbxAgents.RingTimeout, fresh: true);
        await agents[e].AnswerAsync();
        await agents[e].AssertHearsAsync(cluster.QueueCallerHz, "the queue caller after moving");

        // systemd restarts the dead node: its start cleans what it left and touches nothing of the other nodes' calls.
        await cluster.RestartAsync(2);
        await agents[a].AssertHearsAsync(cluster.QueueCallerHz, "node1's queue call after node3 came back");
        await agents[c].AssertHearsAsync(cluster.QueueCallerHz, "node2's queue call after node3 came back");
        await agents[e].AssertHearsAsync(cluster.QueueCallerHz, "the moved agent's call after node3 came back");
        Assert.Empty(await cluster.AgentsOnAsync(2));
        Assert.Equal(0, await cluster.CallCountAsync(2));
        Assert.Equal(3, await cluster.CallCountAsync(0) + await cluster.CallCountAsync(1));

        foreach (var agent in new[] { a, c, e })
        {
            await agents[agent].HangupAsync();
        }

        await AssertNothingLeftAsync(cluster);

        // Signed out everywhere: every node withdraws what it published, and the PBX routes nobody to any node.
        foreach (var agent in agents)
        {
            await agent.UnregisterAsync();
        }

        for (var i = 0; i < agents.Length; i++)
        {
            var route = string.Empty;
            Assert.True(
                await Poll.UntilAsync(async () => (route = await cluster.RouteOfAsync(Id(i))).Length == 0, TimeSpan.FromSeconds(10)),
                $"the PBX still routes signed-out agent {Id(i)} to '{route}'\n{string.Join('\n', cluster.Nodes.Select(n => string.Join('\n', n.Output.Split('\n').Where(l => l.Contains("agent " + Id(i), StringComparison.Ordinal)))))}");
        }

        Console.WriteLine($"cluster ({typeof(TPbx).Name}): node3's agents registered on other nodes {reregistered.TotalSeconds:0.0} s after kill -9; its calls ended on the PBX {endedOnPbx.TotalSeconds:0.0} s after");
    }

    private static async Task AssertRoutedAsync<TPbx>(RealPbxClusterFixture<TPbx> cluster, string agent, int node)
        where TPbx : class, IRealPbx<TPbx>
    {
        var route = string.Empty;
        Assert.True(
            await Poll.UntilAsync(async () => (route = await cluster.RouteOfAsync(agent)) == cluster.RouteTo(node), TimeSpan.FromSeconds(10)),
            $"the PBX does not route {agent} to {cluster.RouteTo(node)}: '{route}'");
    }

    private static async Task AssertQueueFreeAsync<TPbx>(RealPbxClusterFixture<TPbx> cluster, int member)
        where TPbx : class, IRealPbx<TPbx>
    {
        var id = RealPbxClusterFixture<TPbx>.AgentId(member);
        var (free, seen) = await cluster.WaitQueueFreeAsync(id);
        Assert.True(free, $"queue member {id} never free: {seen}");
    }

    /// <summary>No channel or bridge in the PBX, no call on any node, and nothing of the killed node in the PBX.</summary>
    private static async Task AssertNothingLeftAsync<TPbx>(RealPbxClusterFixture<TPbx> cluster)
        where TPbx : class, IRealPbx<TPbx>
    {
        var (clean, left) = await cluster.Pbx.WaitCleanAsync(TimeSpan.FromSeconds(20));
        Assert.True(clean, $"left in the PBX:\n{left}");
        for (var node = 0; node < RealPbxClusterFixture<TPbx>.NodeCount; node++)
        {
            var n = node;
            Assert.True(await Poll.UntilAsync(async () => await cluster.CallCountAsync(n) == 0, TimeSpan.FromSeconds(10)), $"calls left on {RealPbxClusterFixture<TPbx>.NodeId(node)}");
        }

        var ofNode3 = await cluster.LeftOfNodeAsync(2);
        Assert.True(ofNode3.Length == 0, $"the PBX keeps the killed node3's state:\n{ofNode3}");
    }
}
