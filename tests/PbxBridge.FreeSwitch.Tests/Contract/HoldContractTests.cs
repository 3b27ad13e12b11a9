using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>
/// An agent's hold and resume reach FreeSWITCH as it receives them: `uuid_hold UUID` then `uuid_hold off UUID` on
/// PbxBridge's own channel, so the bridged far party hears FreeSWITCH's hold music; on calls either way.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class HoldContractTests
{
    [Fact]
    public async Task Hold_and_resume_of_an_agent_call_are_uuid_hold_then_uuid_hold_off_on_our_channel()
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
        Assert.Equal([$"uuid_hold {channel.UniqueId}", $"uuid_hold off {channel.UniqueId}"], fs.Simulator.HoldCommands);
    }

    [Fact]
    public async Task Hold_and_resume_of_a_call_to_an_agent_are_uuid_hold_then_uuid_hold_off_on_our_channel()
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
        await call.UnholdAsync(TestContext.Timeout);

        Assert.Equal([$"uuid_hold {simCall.Channel.UniqueId}", $"uuid_hold off {simCall.Channel.UniqueId}"], fs.Simulator.HoldCommands);
        await simCall.HangupAsync();
    }
}
