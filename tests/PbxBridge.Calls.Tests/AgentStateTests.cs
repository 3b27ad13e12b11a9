using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Pbx;
using PbxBridge.Calls.Tests.Support;

namespace PbxBridge.Calls.Tests;

/// <summary>
/// The PBX's queues must know whether an agent can take a call: PbxBridge publishes each agent's state (signed out,
/// free, ringing, on a call, on hold) from its registrations and calls, and again for everyone after a reconnect.
/// </summary>
public sealed class AgentStateTests
{
    private const string Agent = TestAgentDirectory.AgentId;

    [Theory]
    [InlineData(false, "", AgentState.SignedOut)]
    [InlineData(false, "ToAgent Answered", AgentState.SignedOut)]
    [InlineData(true, "", AgentState.Free)]
    [InlineData(true, "ToAgent Ended", AgentState.Free)]
    [InlineData(true, "ToAgent Ringing", AgentState.Ringing)]
    [InlineData(true, "ToAgent Setup", AgentState.Ringing)]
    [InlineData(true, "FromAgent Setup", AgentState.OnCall)]
    [InlineData(true, "FromAgent Ringing", AgentState.OnCall)]
    [InlineData(true, "ToAgent Answered", AgentState.OnCall)]
    [InlineData(true, "ToAgent Answered held", AgentState.OnHold)]
    [InlineData(true, "ToAgent Answered held, ToAgent Ringing", AgentState.Ringing)]
    [InlineData(true, "ToAgent Answered held, FromAgent Answered", AgentState.OnCall)]
    public void The_agents_state_follows_its_registration_and_calls(bool signedIn, string calls, AgentState expected)
    {
        var views = calls.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(c =>
        {
            var parts = c.Split(' ');
            return (Enum.Parse<CallDirection>(parts[0]), Enum.Parse<CallState>(parts[1]), parts.Length > 2);
        });

        Assert.Equal(expected, AgentStateTracker.Derive(signedIn, views));
    }

    [Fact]
    public async Task Signing_in_ringing_answering_holding_hanging_up_and_losing_the_websocket_each_reach_the_pbx()
    {
        var pbx = new RecordingAgentStatePublisher();
        await using var harness = new CallHarness(pbx);
        ((IPbxInboundHandler)harness.Manager).OnControlConnectionChanged(true);
        await pbx.WaitForAsync(Agent, AgentState.SignedOut);

        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(Agent, AgentState.Free);

        var pbxCall = new FakeInboundCall();
        ((IPbxInboundHandler)harness.Manager).OnInboundCall(pbxCall);
        await pbx.WaitForAsync(Agent, AgentState.Ringing);
        await harness.Browser.AnswerIncomingAsync();
        await pbx.WaitForAsync(Agent, AgentState.OnCall);

        await harness.Browser.ReinviteAsync("sendonly");
        await pbx.WaitForAsync(Agent, AgentState.OnHold);
        await harness.Browser.ReinviteAsync("sendrecv");
        await pbx.WaitForAsync(Agent, AgentState.OnCall);

        await harness.Manager.Calls.Single().HangupAsync("test");
        await pbx.WaitForAsync(Agent, AgentState.Free);

        harness.CloseBrowserConnection();
        await pbx.WaitForAsync(Agent, AgentState.SignedOut);
    }

    [Fact]
    public async Task A_call_the_agent_places_makes_it_busy()
    {
        var pbx = new RecordingAgentStatePublisher();
        await using var harness = new CallHarness(pbx);
        ((IPbxInboundHandler)harness.Manager).OnControlConnectionChanged(true);
        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(Agent, AgentState.Free);

        await harness.Browser.DialAsync("2000");
        await pbx.WaitForAsync(Agent, AgentState.OnCall);
    }

    [Fact]
    public async Task Nothing_is_sent_again_while_the_state_stays_the_same()
    {
        var pbx = new RecordingAgentStatePublisher();
        await using var harness = new CallHarness(pbx);
        ((IPbxInboundHandler)harness.Manager).OnControlConnectionChanged(true);
        await pbx.WaitForAsync(Agent, AgentState.SignedOut);
        await harness.Browser.RegisterAsync();
        await pbx.WaitForAsync(Agent, AgentState.Free);

        // JsSIP and SIP.js refresh their registration well before it expires: still free, nothing to tell the PBX.
        await harness.Browser.RegisterAsync();
        await harness.Browser.RegisterAsync();
        await Task.Delay(200);

        Assert.Equal([(Agent, AgentState.SignedOut), (Agent, AgentState.Free)], pbx.Published);
    }

    [Fact]
    public async Task A_state_the_pbx_did_not_take_is_sent_with_the_next_change_and_everyone_is_sent_again_on_reconnect()
    {
        var pbx = new RecordingAgentStatePublisher { Refuse = true };
        await using var harness = new CallHarness(pbx);
        IPbxInboundHandler handler = harness.Manager;
        handler.OnControlConnectionChanged(true);
        await harness.Browser.RegisterAsync();
        await WaitAsync(() => pbx.Attempts >= 2);
        Assert.Empty(pbx.Published);

        // The PBX comes back: what it missed (signed in, free) reaches it without any change of the agent.
        pbx.Refuse = false;
        handler.OnControlConnectionChanged(false);
        handler.OnControlConnectionChanged(true);
        await pbx.WaitForAsync(Agent, AgentState.Free);

        // A restarted PBX has forgotten everything: a reconnect sends every agent again, even unchanged.
        handler.OnControlConnectionChanged(false);
        handler.OnControlConnectionChanged(true);
        await WaitAsync(() => pbx.Published.Count == 2);
        Assert.Equal([(Agent, AgentState.Free), (Agent, AgentState.Free)], pbx.Published);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition never met");
            await Task.Delay(10);
        }
    }
}
