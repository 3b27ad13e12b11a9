using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>Runs alone: its timing limits (2 s for a failure cause) are about the adapter, not about CPU contention.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class InboundCallTests
{
    [Fact]
    public async Task Pbx_call_to_agent_1001_rings_is_answered_hears_the_tone_and_pbx_hangup_propagates()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);

        var simCall = await fs.Simulator.CallAgentAsync("1001", "601", SimulatedMedia.Tone);
        var call = await fs.Handler.Calls.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(5);
        call.Attach(observer);
        await call.RingAsync(TestContext.Timeout);
        await call.AnswerAsync(new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout).Within(5);

        Assert.Equal("1001", call.AgentId);
        Assert.Equal("601", call.CallerNumber);
        Assert.Equal(200, await simCall.FinalStatus.Within(5));
        await observer.Answered.Task.Within(5);
        await TestContext.Eventually(() => media.MeasureFrequency() > 0 && media.PacketsReceived > 60);
        Assert.InRange(media.MeasureFrequency(), 974, 1034);
        await TestContext.Eventually(() => call.PbxId == simCall.Channel.UniqueId);

        await simCall.HangupAsync();

        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.Within(5));
        await TestContext.Eventually(() => fs.Pbx.ActiveLegs == 0);
    }

    [Fact]
    public async Task Leg_bridged_from_an_agents_call_to_another_agent_is_not_taken_for_the_callers_leg()
    {
        // Agent 42 dials agent 1001: from-pbxbridge bridges 42's channel to sofia/pbxbridge/agent-1001, and that leg
        // carries 42's X-PbxBridge-Call-Id too. Taken for 42's leg, its end used to end 42's call as well.
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var callerMedia = new SimulatedRtpStream(SimulatedMedia.Silence);
        var caller = new RecordingObserver(callerMedia.Start);
        var callerLeg = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("601", callerMedia, caller), TestContext.Timeout).Within(5);
        await caller.Answered.Task.Within(5);
        var callerChannel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => callerLeg.PbxId == callerChannel.UniqueId);
        await using var calleeMedia = new SimulatedRtpStream(SimulatedMedia.Silence);
        var callee = new RecordingObserver(calleeMedia.Start);

        var simCall = await fs.Simulator.CallAgentAsync("1001", "42", SimulatedMedia.Tone, bridgedFrom: callerChannel);
        var call = await fs.Handler.Calls.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(5);
        call.Attach(callee);
        await call.AnswerAsync(new PbxMediaOffer(calleeMedia.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout).Within(5);
        await TestContext.Eventually(() => call.PbxId == simCall.Channel.UniqueId);
        await simCall.HangupAsync();
        await callee.HungUp.Task.Within(5);
        // Past the window after which a CHANNEL_HANGUP_COMPLETE ends a leg whose BYE was lost (64*T1 = 3.2 s here).
        await Task.Delay(FreeSwitchFixture.TestTimers.TimerB + TimeSpan.FromMilliseconds(500));

        Assert.Equal("1001", call.AgentId);
        Assert.Equal(callerChannel.XHeaders["X-PbxBridge-Call-Id"], simCall.Channel.XHeaders["X-PbxBridge-Call-Id"]);
        Assert.False(caller.HungUp.Task.IsCompleted, "the caller's leg must outlive the callee's");
        Assert.Equal(callerChannel.UniqueId, callerLeg.PbxId);
        await callerLeg.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout);
    }

    [Fact]
    public async Task Unregistered_agent_gets_480_at_once_with_subscriber_absent()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();

        var simCall = await fs.Simulator.CallAgentAsync("2002");

        Assert.Equal(480, await simCall.FinalStatus.Within(2));
        Assert.Equal("SUBSCRIBER_ABSENT", await simCall.Ended.Within(2));
        await TestContext.Eventually(() => fs.Pbx.ActiveLegs == 0);
    }

    [Fact]
    public async Task Agent_hangup_sends_bye_and_freeswitch_sees_normal_clearing()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        var simCall = await fs.Simulator.CallAgentAsync("1001");
        var call = await fs.Handler.Calls.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(5);
        call.Attach(observer);
        await call.AnswerAsync(new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout).Within(5);

        await call.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout).Within(5);

        Assert.Equal("NORMAL_CLEARING", await simCall.Ended.Within(5));
        Assert.Equal(1, observer.HangupCount);
    }

    [Fact]
    public async Task Caller_hanging_up_while_it_rings_cancels_and_events_before_attach_are_replayed()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        var simCall = await fs.Simulator.CallAgentAsync("1001");
        var call = await fs.Handler.Calls.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(5);
        await call.RingAsync(TestContext.Timeout);

        await simCall.HangupAsync("ORIGINATOR_CANCEL");
        Assert.Equal(487, await simCall.FinalStatus.Within(5));
        var observer = new RecordingObserver();
        call.Attach(observer);

        Assert.Equal(487, (await observer.HungUp.Task.Within(5)).Q850);
        await Assert.ThrowsAsync<PbxCallFailedException>(() => call.AnswerAsync(new PbxMediaOffer(TestContext.Loopback(9), PbxCodec.Pcmu), TestContext.Timeout));
    }
}
