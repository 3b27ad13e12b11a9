using PbxBridge.Calls.Pbx;
using PbxBridge.Calls.Tests.Support;

namespace PbxBridge.Calls.Tests;

/// <summary>
/// A cluster node tells the PBX which node serves each agent registered on it, before the agent's state (a queue must
/// not ring a free agent whose calls would go elsewhere), and speaks only for its own agents: an agent another node
/// took, or one this node never had, is left alone, so no node overwrites another's pointer or device state.
/// </summary>
public sealed class AgentLocationTests
{
    private const string Agent = TestAgentDirectory.AgentId;

    [Fact]
    public async Task Registering_points_the_pbx_here_before_the_agent_is_free_and_losing_the_websocket_withdraws_it_before_signed_out()
    {
        var pbx = new RecordingClusterPbx();
        await using var harness = new CallHarness(pbx, location: pbx);
        Connect(harness);
        await pbx.WaitForAsync(log => log.Contains($"withdraw {Agent} = False"));

        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(log => log.Contains($"{Agent} Free"));
        harness.CloseBrowserConnection();
        await pbx.WaitForAsync(log => log.Contains($"{Agent} SignedOut"));

        // On connect the agent was nobody's here: nothing said of its state, which another node may own.
        Assert.Equal([$"withdraw {Agent} = False", $"here {Agent}", $"{Agent} Free", $"withdraw {Agent} = True", $"{Agent} SignedOut"], pbx.Log);
        Assert.Null(pbx.NodeOf(Agent));
    }

    [Fact]
    public async Task An_agent_another_node_took_meanwhile_keeps_that_nodes_pointer_and_state()
    {
        var pbx = new RecordingClusterPbx();
        await using var harness = new CallHarness(pbx, location: pbx);
        Connect(harness);
        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(log => log.Contains($"{Agent} Free"));

        // The agent's browser reconnected through the front to node2 before this node saw its WebSocket close.
        pbx.Point(Agent, "node2");
        harness.CloseBrowserConnection();
        await pbx.WaitForAsync(log => log.Contains($"withdraw {Agent} = False"));
        await Task.Delay(200);

        Assert.DoesNotContain($"{Agent} SignedOut", pbx.Log);
        Assert.Equal("node2", pbx.NodeOf(Agent));
    }

    [Fact]
    public async Task Every_registration_refresh_says_here_again_so_a_pointer_lost_in_a_race_comes_back()
    {
        var pbx = new RecordingClusterPbx();
        await using var harness = new CallHarness(pbx, location: pbx);
        Connect(harness);
        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(log => log.Contains($"{Agent} Free"));

        pbx.Point(Agent, null);
        await harness.Browser.RegisterAsync();

        await pbx.WaitForAsync(_ => pbx.NodeOf(Agent) == RecordingClusterPbx.ThisNode);
        Assert.Single(pbx.Log, $"{Agent} Free");
    }

    [Fact]
    public async Task An_agent_is_not_published_free_while_the_pbx_cannot_be_told_it_is_here()
    {
        var pbx = new RecordingClusterPbx { RefuseLocation = true };
        await using var harness = new CallHarness(pbx, location: pbx);
        Connect(harness);
        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(log => log.Contains($"here {Agent} refused"));
        await Task.Delay(200);
        Assert.DoesNotContain($"{Agent} Free", pbx.Log);

        pbx.RefuseLocation = false;
        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(log => log.Contains($"{Agent} Free"));
        Assert.Equal(RecordingClusterPbx.ThisNode, pbx.NodeOf(Agent));
    }

    [Fact]
    public async Task On_connect_a_pointer_this_node_left_when_it_died_is_withdrawn_and_another_nodes_is_left_alone()
    {
        var pbx = new RecordingClusterPbx();
        pbx.Point(Agent, RecordingClusterPbx.ThisNode);
        await using (var harness = new CallHarness(pbx, location: pbx))
        {
            Connect(harness);
            await pbx.WaitForAsync(log => log.Contains($"{Agent} SignedOut"));
            Assert.Null(pbx.NodeOf(Agent));
        }

        var other = new RecordingClusterPbx();
        other.Point(Agent, "node2");
        await using (var harness = new CallHarness(other, location: other))
        {
            Connect(harness);
            await other.WaitForAsync(log => log.Contains($"withdraw {Agent} = False"));
            await Task.Delay(200);
            Assert.Equal([$"withdraw {Agent} = False"], other.Log);
            Assert.Equal("node2", other.NodeOf(Agent));
        }
    }

    [Fact]
    public async Task Stopping_withdraws_the_agents_still_registered_here()
    {
        var pbx = new RecordingClusterPbx();
        await using var harness = new CallHarness(pbx, location: pbx);
        Connect(harness);
        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(log => log.Contains($"{Agent} Free"));

        await harness.AgentStates!.StopAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([$"withdraw {Agent} = True", $"{Agent} SignedOut"], pbx.Log.TakeLast(2));
        Assert.Null(pbx.NodeOf(Agent));
    }

    private static void Connect(CallHarness harness) => ((IPbxInboundHandler)harness.Manager).OnControlConnectionChanged(true);
}
