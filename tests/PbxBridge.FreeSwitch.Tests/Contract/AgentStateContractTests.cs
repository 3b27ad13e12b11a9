using PbxBridge.Calls.AgentStates;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>
/// An agent's state reaches mod_callcenter as its agent's status and state (callcenter_config agent set ...):
/// signed out is "Logged Out", free is "Available" and "Waiting", ringing or on a call or on hold is "Idle", so the
/// queue offers calls only to free agents. Agents mod_callcenter does not know, or no mod_callcenter, are no error.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class AgentStateContractTests
{
    [Fact]
    public async Task Signing_in_a_call_and_signing_out_set_the_mod_callcenter_agent()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        var seen = new List<string?>();

        foreach (var state in new[] { AgentState.Free, AgentState.Ringing, AgentState.OnCall, AgentState.OnHold, AgentState.Free, AgentState.SignedOut })
        {
            await fs.Pbx.PublishAgentStateAsync("1001", state, TestContext.Timeout);
            seen.Add(fs.Simulator.CallcenterAgent("1001@default"));
        }

        Assert.Equal(
            ["Available/Waiting", "Available/Idle", "Available/Idle", "Available/Idle", "Available/Waiting", "Logged Out/Waiting"],
            seen);
        Assert.Equal("Logged Out/Waiting", fs.Simulator.CallcenterAgent("1002@default"));
    }

    [Fact]
    public async Task An_agent_mod_callcenter_does_not_know_or_no_mod_callcenter_is_left_alone()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await fs.Pbx.PublishAgentStateAsync("2001", AgentState.Free, TestContext.Timeout);

        await using var without = await FreeSwitchFixture.StartAsync(new FreeSwitchSimulatorOptions { CallcenterLoaded = false });
        await without.Pbx.PublishAgentStateAsync("1001", AgentState.Free, TestContext.Timeout);

        Assert.Null(fs.Simulator.CallcenterAgent("2001@default"));
        Assert.Equal("Logged Out/Waiting", without.Simulator.CallcenterAgent("1001@default"));
    }

    [Fact]
    public async Task The_mod_callcenter_agent_is_named_by_the_configured_template()
    {
        var options = new FreeSwitchOptions { EslPassword = "x", CallcenterAgent = "agent-{agent}@callcenter" };
        await using var pbx = new FreeSwitchPbx(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<FreeSwitchPbx>.Instance);

        Assert.Equal("agent-1001@callcenter", pbx.CallcenterAgentOf("1001"));
    }

    [Theory]
    [InlineData("1001@default")]
    [InlineData("{agent} @default")]
    [InlineData("'{agent}'")]
    public void A_callcenter_agent_template_without_the_id_or_with_spaces_or_quotes_is_a_configuration_error(string template)
    {
        var error = Assert.Single(new FreeSwitchOptions { EslPassword = "x", CallcenterAgent = template }.Validate());

        Assert.StartsWith("Pbx:FreeSwitch:CallcenterAgent", error, StringComparison.Ordinal);
    }
}
