using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.AgentStates;
using PbxBridge.Cluster;
using PbxBridge.Sip.Registrar;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Cluster;

/// <summary>
/// The state nodes share through a real redis-server: the cluster view from heartbeats (a node that stops beating
/// leaves it by itself), an agent registered on one node only, auth failures counted across nodes, and every node going
/// on alone while Redis is down (logged once, counted) and sharing again when it is back.
/// </summary>
public sealed class RedisClusterStateTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("203.0.113.9");

    [Fact]
    public async Task Heartbeats_make_the_cluster_view_and_a_node_that_stops_beating_leaves_it_by_itself()
    {
        await using var redis = await RealRedis.StartAsync();
        await using var linkA = await RedisClusterLink.ConnectAsync(redis.Configuration, NullLogger.Instance);
        await using var linkB = await RedisClusterLink.ConnectAsync(redis.Configuration, NullLogger.Instance);
        using var a = new ClusterHeartbeat(linkA, "node_a", () => Snapshot("node_a", "1001"));
        using var b = new ClusterHeartbeat(linkB, "node_b", () => Snapshot("node_b", "1002"));

        Assert.True(await a.BeatAsync());
        Assert.True(await b.BeatAsync());
        var view = await a.ReadAsync();

        Assert.Equal("redis", view.Source);
        Assert.Equal(["node_a", "node_b"], view.Nodes.Select(n => n.Node));
        Assert.Equal(["1002"], view.Nodes.Single(n => n.Node == "node_b").Agents);

        // node_b dies (no clean stop, no more heartbeats): gone once its key's time to live runs out.
        await Task.Delay(ClusterHeartbeat.TimeToLive + TimeSpan.FromSeconds(1));
        Assert.Equal(["node_a"], (await a.ReadAsync()).Nodes.Select(n => n.Node));
    }

    [Fact]
    public async Task Without_redis_the_view_is_this_node_alone()
    {
        using var alone = new ClusterHeartbeat(null, "node_a", () => Snapshot("node_a", "1001"));

        var view = await alone.ReadAsync();

        Assert.Equal("local", view.Source);
        Assert.Equal(["node_a"], view.Nodes.Select(n => n.Node));
        Assert.False(await alone.BeatAsync());
    }

    [Fact]
    public async Task An_agent_that_registers_on_another_node_is_dropped_here()
    {
        await using var redis = await RealRedis.StartAsync();
        await using var nodeA = await Node.StartAsync(redis, "node_a");
        await using var nodeB = await Node.StartAsync(redis, "node_b");

        nodeA.Registrations.Upsert(Binding("1001", "sip:tab1@a.invalid"));
        nodeA.Registrations.Upsert(Binding("1002", "sip:other@a.invalid"));
        nodeB.Registrations.Upsert(Binding("1001", "sip:tab2@b.invalid"));

        Assert.True(await Eventually(() => nodeA.Registrations.GetBindings("1001").Count == 0), "node_a kept 1001's binding");
        Assert.Single(nodeB.Registrations.GetBindings("1001"));
        Assert.Single(nodeA.Registrations.GetBindings("1002"));
        Assert.Equal(1, nodeA.Messages.AgentsMovedAway);
    }

    [Fact]
    public async Task Auth_failures_on_one_node_throttle_the_address_on_the_others()
    {
        await using var redis = await RealRedis.StartAsync();
        await using var nodeA = await Node.StartAsync(redis, "node_a");
        await using var nodeB = await Node.StartAsync(redis, "node_b");

        // Limits:AuthFailures = 3: two wrong passwords on node_a and one on node_b make three for the cluster.
        nodeA.AuthFailures.RecordFailure(Guesser);
        nodeA.AuthFailures.RecordFailure(Guesser);
        nodeB.AuthFailures.RecordFailure(Guesser);

        Assert.True(await Eventually(() => nodeA.AuthFailures.Check(Guesser, out _) == AuthThrottle.Forbid), "node_a did not count node_b's failure");
        Assert.True(await Eventually(() => nodeB.AuthFailures.Check(Guesser, out _) == AuthThrottle.Forbid), "node_b did not count node_a's failures");
        Assert.Equal(AuthThrottle.Allow, nodeB.AuthFailures.Check(IPAddress.Parse("203.0.113.10"), out _));
    }

    [Fact]
    public async Task While_redis_is_down_each_node_goes_on_alone_and_shares_again_when_it_is_back()
    {
        await using var redis = await RealRedis.StartAsync();
        var logA = new CapturingLogger();
        await using var nodeA = await Node.StartAsync(redis, "node_a", logA);
        await using var nodeB = await Node.StartAsync(redis, "node_b");
        using var heartbeat = new ClusterHeartbeat(nodeA.Link, "node_a", () => Snapshot("node_a", "1001"));
        Assert.True(await heartbeat.BeatAsync());

        await redis.StopAsync();
        Assert.True(await Eventually(() => !nodeA.Link.IsConnected), "the client never noticed Redis was gone");
        for (var i = 0; i < 5; i++)
        {
            Assert.False(await heartbeat.BeatAsync());
        }

        var alone = await heartbeat.ReadAsync();
        Assert.Equal("local", alone.Source);
        Assert.Equal(["node_a"], alone.Nodes.Select(n => n.Node));

        // Each node still throttles what it sees itself.
        for (var i = 0; i < 3; i++)
        {
            nodeA.AuthFailures.RecordFailure(Guesser);
        }

        Assert.Equal(AuthThrottle.Forbid, nodeA.AuthFailures.Check(Guesser, out _));
        Assert.Equal(1, nodeA.Link.Outages);
        Assert.Equal(1, logA.Count(LogLevel.Warning, "unreachable"));

        await redis.StartAgainAsync();
        Assert.True(await Eventually(() => nodeA.Link.IsConnected && nodeB.Link.IsConnected, seconds: 40), "the clients never reconnected");
        Assert.True(await Eventually(async () => await heartbeat.BeatAsync()), "no heartbeat after Redis came back");
        Assert.Equal("redis", (await heartbeat.ReadAsync()).Source);

        // The subscriptions came back with the connection: node_b's failures count on node_a again.
        var other = IPAddress.Parse("203.0.113.11");
        Assert.True(
            await Eventually(() =>
            {
                nodeB.AuthFailures.RecordFailure(other);
                return nodeA.AuthFailures.Check(other, out _) != AuthThrottle.Allow;
            }),
            "node_a never heard of node_b's failures after Redis came back");
        Assert.Equal(1, logA.Count(LogLevel.Warning, "unreachable"));
        Assert.Equal(1, logA.Count(LogLevel.Information, "reachable again"));
    }

    private static NodeSnapshot Snapshot(string node, string agent) =>
        new(node, "test", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "Demo", true, [agent], []);

    private static SipRegistrationBinding Binding(string agent, string contact) =>
        new(agent, contact, $"<{contact}>", "flow-" + contact, new IPEndPoint(IPAddress.Loopback, 5000), "call-id", 1, DateTimeOffset.UtcNow.AddMinutes(10), null, null);

    private static Task<bool> Eventually(Func<bool> condition, double seconds = 10) => Eventually(() => Task.FromResult(condition()), seconds);

    private static async Task<bool> Eventually(Func<Task<bool>> condition, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    /// <summary>What one node shares: its registrations and auth failure record, linked through Redis.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private Node(RedisClusterLink link, RegistrationChangeNotifier registrations, AuthFailureLimiter authFailures, ClusterMessages messages)
        {
            Link = link;
            Registrations = registrations;
            AuthFailures = authFailures;
            Messages = messages;
        }

        public RedisClusterLink Link { get; }

        public RegistrationChangeNotifier Registrations { get; }

        public AuthFailureLimiter AuthFailures { get; }

        public ClusterMessages Messages { get; }

        public static async Task<Node> StartAsync(RealRedis redis, string id, ILogger? logger = null)
        {
            var link = await RedisClusterLink.ConnectAsync(redis.Configuration, logger ?? NullLogger.Instance);
            var registrations = new RegistrationChangeNotifier(new InMemoryRegistrationStore());
            var authFailures = new AuthFailureLimiter(TimeProvider.System, 3, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(16), NullLogger.Instance);
            var messages = new ClusterMessages(link, id, authFailures, registrations, logger ?? NullLogger.Instance);
            await messages.StartAsync(CancellationToken.None);
            return new Node(link, registrations, authFailures, messages);
        }

        public async ValueTask DisposeAsync()
        {
            await Messages.StopAsync(CancellationToken.None);
            await Link.DisposeAsync();
        }
    }
}
