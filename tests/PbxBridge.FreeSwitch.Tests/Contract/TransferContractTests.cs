using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>
/// Transfers over ESL against the simulator: blind = `originate loopback/DEST/CTX &amp;park()` (bgapi), then
/// `uuid_bridge` of the far party with the answered target, after which FreeSWITCH hangs our leg up (as the real one
/// does: our leg lost its partner); a target that fails leaves the call alone with its cause. Attended = `uuid_bridge`
/// of the two far parties.
/// </summary>
public sealed class TransferContractTests
{
    [Fact]
    public async Task Blind_transfer_bridges_the_far_party_with_the_answered_target_and_freeswitch_ends_our_leg()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        var leg = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("601", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => leg.Details.ContainsKey("Other-Leg-Unique-ID"));

        await leg.TransferAsync("600", TestContext.Timeout).Within(5);

        Assert.Equal("600", channel.TransferredTo);
        Assert.Equal(0, fs.Simulator.ParkedTargets);
        Assert.Equal("NORMAL_CLEARING", await channel.HungUp.Within(5));
        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.Within(5));
    }

    [Theory]
    [InlineData("603", 17)]
    [InlineData("agent-4999", 1)]
    public async Task Blind_transfer_to_a_target_that_fails_throws_its_cause_and_leaves_the_call_up(string destination, int q850)
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        var leg = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("601", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => leg.Details.ContainsKey("Other-Leg-Unique-ID"));

        var failure = await Assert.ThrowsAsync<PbxCallFailedException>(() => leg.TransferAsync(destination, TestContext.Timeout).Within(5));

        Assert.Equal(q850, failure.Cause.Q850);
        Assert.Null(channel.TransferredTo);
        Assert.True(channel.IsUp);
        Assert.False(observer.HungUp.Task.IsCompleted);
        await leg.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout).Within(5);
    }

    [Fact]
    public async Task Attended_transfer_bridges_the_two_far_parties_and_both_our_legs_end()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var mediaA = new SimulatedRtpStream(SimulatedMedia.Silence);
        await using var mediaB = new SimulatedRtpStream(SimulatedMedia.Silence);
        var first = new RecordingObserver(mediaA.Start);
        var consultation = new RecordingObserver(mediaB.Start);
        var a = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("601", mediaA, first), TestContext.Timeout).Within(5);
        var b = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("600", mediaB, consultation) with { CallId = "call-2" }, TestContext.Timeout).Within(5);
        await first.Answered.Task.Within(5);
        await consultation.Answered.Task.Within(5);
        var channelA = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        var channelB = await fs.Simulator.WaitForCallToAsync("600", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => a.Details.ContainsKey("Other-Leg-Unique-ID") && b.Details.ContainsKey("Other-Leg-Unique-ID"));

        await a.JoinAsync(b, TestContext.Timeout).Within(5);

        Assert.Equal(channelB.ChannelName, channelA.TransferredTo);
        Assert.Equal("NORMAL_CLEARING", await channelA.HungUp.Within(5));
        Assert.Equal("NORMAL_CLEARING", await channelB.HungUp.Within(5));
    }
}
