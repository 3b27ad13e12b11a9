using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>FreeSWITCH holding our leg (the far end of its bridge pressed hold): a sendonly or inactive re-offer.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class PbxHoldTests
{
    [Fact]
    public async Task Hold_reoffers_get_the_mirrored_direction_and_each_change_reaches_the_observer_once()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        using var freeSwitch = new FakeFreeSwitch(fs.Pbx.LocalSipEndPoint!);
        var (call, observer, media) = await freeSwitch.CallAgentAsync(fs);
        await using var rtp = media;
        var answering = call.AnswerAsync(new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout);
        var ok = await freeSwitch.ReceiveAsync();
        await freeSwitch.AckAsync(1, ok);
        await answering.Within(3);
        var version = FakeFreeSwitch.SdpVersion(ok);

        // RFC 3264 §6.1 / §8.4: sendonly is answered recvonly (a sendrecv answer told FreeSWITCH we would keep sending).
        var held = await freeSwitch.ReinviteAsync(2, ok, "sendonly");
        Assert.Contains("a=recvonly\r\n", held, StringComparison.Ordinal);
        Assert.Equal(version + 1, FakeFreeSwitch.SdpVersion(held));
        Assert.True(await observer.Holds.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(3));

        var inactive = await freeSwitch.ReinviteAsync(3, ok, "inactive");
        Assert.Contains("a=inactive\r\n", inactive, StringComparison.Ordinal);
        Assert.Equal(version + 2, FakeFreeSwitch.SdpVersion(inactive));

        var again = await freeSwitch.ReinviteAsync(4, ok, "inactive");
        Assert.Equal(version + 2, FakeFreeSwitch.SdpVersion(again));

        var resumed = await freeSwitch.ReinviteAsync(5, ok, "sendrecv");
        Assert.Contains("a=sendrecv\r\n", resumed, StringComparison.Ordinal);
        Assert.False(await observer.Holds.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(3));
        Assert.False(observer.Holds.Reader.TryRead(out var extra), $"one event per change, got another: {extra}");

        var hangingUp = call.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout);
        await freeSwitch.AnswerAsync(await freeSwitch.ReceiveAsync(), "BYE");
        await hangingUp.Within(3);
    }
}
