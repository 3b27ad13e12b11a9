using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.AgentStates;

namespace PbxBridge.Asterisk.Tests;

/// <summary>
/// An agent's state reaches Asterisk as the ARI device state Stasis:{app}-{agent} (PUT /deviceStates), the
/// state_interface of the agent's queue member: app_queue with ringinuse=no rings it only while NOT_INUSE.
/// </summary>
public sealed class AsteriskAgentStateContractTests
{
    [Theory]
    [InlineData(AgentState.SignedOut, "UNAVAILABLE")]
    [InlineData(AgentState.Free, "NOT_INUSE")]
    [InlineData(AgentState.Ringing, "RINGING")]
    [InlineData(AgentState.OnCall, "INUSE")]
    [InlineData(AgentState.OnHold, "ONHOLD")]
    public async Task Each_agent_state_becomes_the_device_state_of_the_agents_queue_member(AgentState state, string deviceState)
    {
        await using var bed = await AsteriskTestBed.StartAsync();

        await bed.Pbx.PublishAgentStateAsync("1001", state, CancellationToken.None);

        Assert.Equal(deviceState, bed.Sim.DeviceState("Stasis:pbxbridge-1001"));
    }

    [Fact]
    public async Task The_device_is_named_after_the_ari_application()
    {
        await using var bed = await AsteriskTestBed.StartAsync(o => o.App = "pbxbridge-node7");

        await bed.Pbx.PublishAgentStateAsync("1002", AgentState.OnCall, CancellationToken.None);

        Assert.Equal("Stasis:pbxbridge-node7-1002", bed.Pbx.DeviceNameOf("1002"));
        Assert.Equal("INUSE", bed.Sim.DeviceState("Stasis:pbxbridge-node7-1002"));
    }

    [Fact]
    public async Task A_device_asterisk_does_not_let_ari_control_is_an_error_the_caller_sees()
    {
        await using var bed = await AsteriskTestBed.StartAsync();

        var error = await Assert.ThrowsAsync<AriException>(() => bed.Pbx.Client.UpdateDeviceStateAsync("PJSIP/1001", "INUSE"));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, error.Status);
    }
}
