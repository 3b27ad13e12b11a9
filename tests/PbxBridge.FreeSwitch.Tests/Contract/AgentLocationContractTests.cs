using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>
/// Several nodes in front of one FreeSWITCH: the node an agent registers on writes its own SIP address into mod_hash's
/// pbxbridge/&lt;agent&gt; (which the shipped dialplan bridges agent-&lt;id&gt; to), and a node withdraws only its own entry,
/// so a node that knows nothing of the agent, or lost it to another node, never unpublishes where the agent is.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class AgentLocationContractTests
{
    [Fact]
    public async Task The_node_an_agent_registers_on_is_its_location_and_other_nodes_leave_it_alone()
    {
        await using var a = await FreeSwitchFixture.StartAsync();
        await using var b = new FreeSwitchPbx(FreeSwitchFixture.OptionsFor(a.Simulator), NullLogger<FreeSwitchPbx>.Instance);
        await b.StartAsync(new PbxBridge.Pbx.Contract.RecordingInboundHandler(), TestContext.Timeout);
        Assert.NotEqual(a.Pbx.LocationValue, b.LocationValue);

        await a.Pbx.PublishAgentHereAsync("1001", TestContext.Timeout);
        Assert.Equal(a.Pbx.LocationValue, a.Simulator.HashValue("pbxbridge", "1001"));

        // Node b (re)connects and withdraws every agent not registered on it: 1001 is a's.
        Assert.False(await b.WithdrawAgentAsync("1001", TestContext.Timeout));
        Assert.Equal(a.Pbx.LocationValue, a.Simulator.HashValue("pbxbridge", "1001"));

        // 1001 comes back on node b (its node died, the front sent it on): the latest registration wins ...
        await b.PublishAgentHereAsync("1001", TestContext.Timeout);
        Assert.Equal(b.LocationValue, a.Simulator.HashValue("pbxbridge", "1001"));

        // ... and node a letting go of its old registration changes nothing.
        Assert.False(await a.Pbx.WithdrawAgentAsync("1001", TestContext.Timeout));
        Assert.Equal(b.LocationValue, a.Simulator.HashValue("pbxbridge", "1001"));

        // Its last registration leaving node b withdraws it, once.
        Assert.True(await b.WithdrawAgentAsync("1001", TestContext.Timeout));
        Assert.Null(a.Simulator.HashValue("pbxbridge", "1001"));
        Assert.False(await b.WithdrawAgentAsync("1001", TestContext.Timeout));
    }

    [Fact]
    public async Task Without_mod_hash_publishing_a_location_fails_saying_so()
    {
        await using var fs = await FreeSwitchFixture.StartAsync(new FreeSwitchSimulatorOptions { HashLoaded = false });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => fs.Pbx.PublishAgentHereAsync("1001", TestContext.Timeout));

        Assert.Contains("mod_hash is not loaded", refused.Message, StringComparison.Ordinal);
    }
}
