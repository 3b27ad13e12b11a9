using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>
/// An agent's hold and resume reach FreeSWITCH as a SIP phone's do: a re-INVITE a=sendonly on PbxBridge's own leg, then
/// a=sendrecv, so sofia plays the bridged far party its hold music; on calls either way (no uuid_hold: on a leg
/// FreeSWITCH originated it plays the far party none, see pbx-config/freeswitch/README.md).
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class HoldContractTests
{
    [Fact]
    public async Task Hold_and_resume_of_an_agent_call_are_re_invites_sendonly_then_sendrecv_on_our_leg()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        var leg = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("601", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => leg.PbxId == channel.UniqueId);

        await leg.HoldAsync(TestContext.Timeout);
        var held = channel.OnHold;
        await leg.UnholdAsync(TestContext.Timeout);

        Assert.True(held);
        Assert.False(channel.OnHold);
        Assert.Equal([$"{channel.UniqueId} sendonly", $"{channel.UniqueId} sendrecv"], fs.Simulator.ReInvites);
        Assert.Empty(fs.Simulator.HoldCommands);
    }

    [Fact]
    public async Task Hold_and_resume_of_a_call_to_an_agent_are_re_invites_sendonly_then_sendrecv_on_our_leg()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        var simCall = await fs.Simulator.CallAgentAsync("1001", "601", SimulatedMedia.Tone);
        var call = await fs.Handler.Calls.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(5);
        call.Attach(observer);
        await call.AnswerAsync(new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        await TestContext.Eventually(() => call.PbxId == simCall.Channel.UniqueId);

        await call.HoldAsync(TestContext.Timeout);
        var held = simCall.Channel.OnHold;
        await call.UnholdAsync(TestContext.Timeout);

        Assert.True(held);
        Assert.False(simCall.Channel.OnHold);
        Assert.Equal([$"{simCall.Channel.UniqueId} sendonly", $"{simCall.Channel.UniqueId} sendrecv"], fs.Simulator.ReInvites);
        Assert.Empty(fs.Simulator.HoldCommands);
        await simCall.HangupAsync();
    }
}
