using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests;

/// <summary>
/// Several PbxBridge nodes in front of one Asterisk: each its own ARI application, never touching another node's
/// channels and bridges, each saying in a global which application serves an agent registered on it.
/// </summary>
public sealed class AsteriskClusterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_cluster_node_has_its_own_application_and_a_single_node_the_sites()
    {
        Assert.Equal("pbxbridge-node1", new AsteriskOptions { NodeId = "node1" }.Application);
        Assert.Equal("pbxbridge", new AsteriskOptions().Application);
        Assert.Equal("callcenter_agent_", AsteriskPbx.LocationVariablePrefix("callcenter"));
        Assert.Equal("my_app_agent_", AsteriskPbx.LocationVariablePrefix("my-app"));
    }

    [Fact]
    public async Task A_node_registers_its_own_application_and_names_its_calls_after_it()
    {
        await using var bed = await AsteriskTestBed.StartAsync(o => o.NodeId = "node1");
        Assert.True(bed.Sim.IsEventSocketConnected("pbxbridge-node1"));
        Assert.False(bed.Sim.IsEventSocketConnected("pbxbridge"));

        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);
        Assert.All(bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds), id => Assert.StartsWith("pbxbridge-node1-", id, StringComparison.Ordinal));

        // Device states stay the site's: the queue's state_interface does not depend on the node serving the agent.
        Assert.Equal("Stasis:pbxbridge-1001", bed.Pbx.DeviceNameOf("1001"));
        await leg.HangupAsync(PbxBridge.Calls.Pbx.PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Reconciliation_deletes_this_nodes_leftovers_and_leaves_another_nodes_channels_and_bridges_alone()
    {
        using var node2Events = new System.Net.WebSockets.ClientWebSocket();
        await using var bed = await AsteriskTestBed.StartAsync(o => o.NodeId = "node1", beforePbx: sim =>
        {
            // node2 is up with a call: its app, its externalMedia channel in its bridge.
            Leave(sim, node2Events, "pbxbridge-node2", "pbxbridge-node2-0123456789ab");

            // node1's previous run died with a call of its own.
            using var dead = new System.Net.WebSockets.ClientWebSocket();
            Leave(sim, dead, "pbxbridge-node1", "pbxbridge-node1-ba9876543210");
            dead.Abort();
        });

        Assert.True(await bed.Sim.WaitUntilAsync(_ => bed.Pbx.ReconciledLeftovers == 2, Wait), bed.Log.ToString());
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(["pbxbridge-node2-0123456789ab-em"], bed.Sim.ChannelIds);
        Assert.Equal(["pbxbridge-node2-0123456789ab"], bed.Sim.BridgeIds);
        Assert.Equal(2, bed.Pbx.ReconciledLeftovers);
    }

    [Fact]
    public async Task An_agent_registered_here_points_at_this_nodes_application_until_withdrawn_and_another_nodes_pointer_stays()
    {
        await using var bed = await AsteriskTestBed.StartAsync(o => o.NodeId = "node1");

        await bed.Pbx.PublishAgentHereAsync("1001", CancellationToken.None);
        Assert.Equal("pbxbridge-node1", bed.Sim.GlobalVariable("pbxbridge_agent_1001"));
        Assert.True(await bed.Pbx.WithdrawAgentAsync("1001", CancellationToken.None));
        Assert.Null(bed.Sim.GlobalVariable("pbxbridge_agent_1001"));

        // The agent reconnected to node2 before node1 noticed its WebSocket was gone: node2's pointer stays.
        await bed.Pbx.PublishAgentHereAsync("1002", CancellationToken.None);
        bed.Sim.SetGlobalVariable("pbxbridge_agent_1002", "pbxbridge-node2");
        Assert.False(await bed.Pbx.WithdrawAgentAsync("1002", CancellationToken.None));
        Assert.Equal("pbxbridge-node2", bed.Sim.GlobalVariable("pbxbridge_agent_1002"));
        Assert.False(await bed.Pbx.WithdrawAgentAsync("1003", CancellationToken.None));
    }

    [Fact]
    public async Task A_cluster_node_leases_its_calls_channels_to_asterisk_and_renews_the_lease_while_it_lives()
    {
        await using var bed = await AsteriskTestBed.StartAsync(o =>
        {
            o.NodeId = "node1";
            o.ChannelLeaseSeconds = 3;
        });
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);
        var far = leg.PbxId;
        var media = bed.Sim.ChannelIds.Single(id => id.EndsWith("-em", StringComparison.Ordinal));

        foreach (var channel in new[] { far, media })
        {
            Assert.True(await bed.Sim.WaitUntilAsync(s => s.ChannelVariable(channel, "TIMEOUT(absolute)") == "3", Wait), $"{channel} not leased");

            // Renewed every third of the lease: Asterisk would hang the channel up only if this node stopped.
            bed.Sim.ClearChannelVariable(channel, "TIMEOUT(absolute)");
            Assert.True(await bed.Sim.WaitUntilAsync(s => s.ChannelVariable(channel, "TIMEOUT(absolute)") == "3", Wait), $"{channel}'s lease not renewed");
        }

        await leg.HangupAsync(PbxBridge.Calls.Pbx.PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task A_single_node_leases_nothing()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.All(bed.Sim.ChannelIds, id => Assert.Null(bed.Sim.ChannelVariable(id, "TIMEOUT(absolute)")));
        Assert.Equal(0, bed.Pbx.LeasesRenewed);
        await leg.HangupAsync(PbxBridge.Calls.Pbx.PbxCause.NormalClearing, CancellationToken.None);
    }

    /// <summary>Another ARI client (a node) registers <paramref name="app"/> and puts a call's channel in its bridge.</summary>
    private static void Leave(AriSimulator sim, System.Net.WebSockets.ClientWebSocket events, string app, string key)
    {
        using var client = new AriClient(AsteriskTestBed.OptionsFor(sim));
        events.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{sim.User}:{sim.Password}")));
        events.ConnectAsync(new Uri($"ws://{sim.Url.Authority}/ari/events?app={app}&subscribeAll=false"), CancellationToken.None).GetAwaiter().GetResult();
        client.CreateExternalMediaAsync(new ExternalMediaRequest(app, "127.0.0.1:40999", "ulaw", key + "-em")).GetAwaiter().GetResult();
        client.CreateBridgeAsync("mixing", key).GetAwaiter().GetResult();
        Assert.True(sim.WaitUntilAsync(s => s.IsInStasis(key + "-em"), Wait).GetAwaiter().GetResult());
        client.AddChannelAsync(key, [key + "-em"]).GetAwaiter().GetResult();
    }
}
