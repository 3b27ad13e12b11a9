using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>Runs alone: its timing limits (2 s for a failure cause) are about the adapter, not about CPU contention.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class OutboundCallTests
{
    [Fact]
    public async Task Agent_call_to_601_hears_the_1004_Hz_tone_and_hangs_up_cleanly()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);

        var leg = await fs.Pbx.PlaceCallAsync(Request("601", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => media.MeasureFrequency() > 0 && media.PacketsReceived > 60);

        Assert.InRange(media.MeasureFrequency(), 974, 1034);
        Assert.True(observer.Ringing.Task.IsCompleted);
        Assert.Equal("42", channel.XHeaders["X-PbxBridge-Agent"]);
        Assert.Equal("call-1", channel.XHeaders["X-PbxBridge-Call-Id"]);
        await TestContext.Eventually(() => leg.PbxId == channel.UniqueId);
        Assert.True(channel.Rtp.PacketsReceived > 0, "FreeSWITCH got our RTP");

        await leg.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout).Within(5);

        Assert.Equal("NORMAL_CLEARING", await channel.HungUp.Within(5));
        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.Within(5));
        Assert.Equal(1, observer.HangupCount);
        Assert.Equal(0, fs.Pbx.ActiveLegs);
    }

    [Fact]
    public async Task Agent_call_carries_the_agent_id_and_display_name_as_caller_id()
    {
        // mod_sofia takes the caller id from the From user: CDRs and the callee's display showed "agent-42".
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);

        var leg = await fs.Pbx.PlaceCallAsync(Request("601", media, observer), TestContext.Timeout).Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));

        Assert.Equal("42", channel.CallerIdNumber);
        Assert.Equal("Agent 42", channel.CallerIdName);
        Assert.Equal("42", channel.XHeaders["X-PbxBridge-Agent"]);
        await leg.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout).Within(5);
    }

    [Fact]
    public async Task Echo_extension_600_returns_what_we_send()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Tone);
        var observer = new RecordingObserver(media.Start);

        var leg = await fs.Pbx.PlaceCallAsync(Request("600", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        await TestContext.Eventually(() => media.PacketsReceived > 80);

        Assert.InRange(media.MeasureFrequency(), 974, 1034);
        await leg.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout);
    }

    [Theory]
    [InlineData("603", 17, "USER_BUSY")]
    [InlineData("604", 41, "NORMAL_TEMPORARY_FAILURE")]
    [InlineData("605", 88, "INCOMPATIBLE_DESTINATION")]
    [InlineData("9999", 1, "UNALLOCATED_NUMBER")]
    public async Task Failure_cause_fails_PlaceCallAsync_within_two_seconds_with_the_mapped_cause(string destination, int q850, string text)
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver();

        var error = await Assert.ThrowsAsync<PbxCallFailedException>(
            () => fs.Pbx.PlaceCallAsync(Request(destination, media, observer), TestContext.Timeout).Within(2));

        Assert.Equal(new PbxCause(q850, text), error.Cause);
        Assert.Equal(0, observer.HangupCount);
        Assert.Equal(0, fs.Pbx.ActiveLegs);
    }

    [Fact]
    public async Task Pbx_side_hangup_reaches_the_observer_with_its_cause()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        await fs.Pbx.PlaceCallAsync(Request("601", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));

        await fs.Simulator.HangupChannelAsync(channel, "NORMAL_CLEARING");

        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.Within(5));
        await TestContext.Eventually(() => fs.Pbx.ActiveLegs == 0);
    }

    [Fact]
    public async Task Hanging_up_while_it_rings_sends_cancel()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver();
        var leg = await fs.Pbx.PlaceCallAsync(Request("602", media, observer), TestContext.Timeout).Within(5);
        await observer.Ringing.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("602", TimeSpan.FromSeconds(2));

        await leg.HangupAsync(PbxCause.OriginatorCancel, TestContext.Timeout).Within(5);

        Assert.Equal("ORIGINATOR_CANCEL", await channel.HungUp.Within(5));
        Assert.False(observer.Answered.Task.IsCompleted);
        Assert.Equal(1, observer.HangupCount);
    }

    [Fact]
    public async Task Dtmf_and_hold_reach_freeswitch_over_esl()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        var leg = await fs.Pbx.PlaceCallAsync(Request("601", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => leg.Details.ContainsKey("Other-Leg-Unique-ID"));

        await leg.SendDtmfAsync('5', TimeSpan.FromMilliseconds(100), TestContext.Timeout);
        await leg.HoldAsync(TestContext.Timeout);
        var held = channel.OnHold;
        await leg.UnholdAsync(TestContext.Timeout);
        await fs.Simulator.PressDigitAsync(channel, '7');
        await TestContext.Eventually(() => media.DtmfDigits.Count > 0);

        Assert.Equal(['5'], channel.DtmfReceived);
        Assert.True(held);
        Assert.False(channel.OnHold);
        // The far party's digit comes as RFC 2833 in our RTP (relayed by the media pipeline), not a second time as
        // an ESL event the browser would hear twice.
        Assert.Equal(['7'], media.DtmfDigits);
        Assert.Empty(observer.Digits);
    }

    internal static OutboundCallRequest Request(string destination, SimulatedRtpStream media, RecordingObserver observer) =>
        new("call-1", "42", "Agent 42", destination, new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), observer);
}
