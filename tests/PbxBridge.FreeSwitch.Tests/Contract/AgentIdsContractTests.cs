using Microsoft.Extensions.Logging.Abstractions;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>
/// The shipped dialplan offers PbxBridge an agent's dialled number only when mod_hash's pbxbridge_agents names it: on
/// connecting, PbxBridge writes each configured agent id there, and nothing else (a site number such as 600 stays out).
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class AgentIdsContractTests
{
    [Fact]
    public async Task Connecting_writes_every_configured_agent_id_and_no_other_number()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        var options = FreeSwitchFixture.OptionsFor(fs.Simulator);
        options.AgentIds = ["1001", "2001"];
        await using var pbx = new FreeSwitchPbx(options, NullLogger<FreeSwitchPbx>.Instance);

        await pbx.StartAsync(new PbxBridge.Pbx.Contract.RecordingInboundHandler(), TestContext.Timeout);

        for (var deadline = DateTime.UtcNow.AddSeconds(5); fs.Simulator.HashValue(FreeSwitchPbx.AgentIdsRealm, "2001") is null && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20);
        }

        Assert.Equal("1", fs.Simulator.HashValue(FreeSwitchPbx.AgentIdsRealm, "1001"));
        Assert.Equal("1", fs.Simulator.HashValue(FreeSwitchPbx.AgentIdsRealm, "2001"));
        Assert.Null(fs.Simulator.HashValue(FreeSwitchPbx.AgentIdsRealm, "600"));
    }
}
