using PbxBridge.Calls.Pbx;
using PbxBridge.Calls.Tests.Support;
using PbxBridge.Sip.Message;

namespace PbxBridge.Calls.Tests;

/// <summary>
/// The PBX has audio before it answers (FreeSWITCH pre_answer's 183 with SDP; a ringback or announcement): the agent's
/// browser gets 183 Session Progress with our SDP answer, and the 200 OK later carries the very same SDP. Without
/// early media from the PBX, 180 Ringing without SDP.
/// </summary>
public sealed class EarlyMediaTests
{
    [Fact]
    public async Task Early_media_from_the_pbx_is_183_with_sdp_and_the_200_repeats_that_sdp()
    {
        await using var harness = new CallHarness();
        await harness.Browser.RegisterAsync();
        await harness.Browser.DialAsync("2000");
        var leg = await harness.Pbx.WaitForLegAsync();

        ((IPbxEarlyMediaObserver)leg.Request.Observer).OnEarlyMedia();
        var progress = await harness.Browser.Flow.WaitForAsync<SipResponse>(r => r.StatusCode == 183);
        leg.Request.Observer.OnRinging();
        leg.Request.Observer.OnAnswered();
        await harness.Browser.WaitAnsweredAsync();

        Assert.Equal("application/sdp", progress.Headers.Get(SipHeaderNames.ContentType));
        Assert.Contains("a=fingerprint:", progress.BodyText, StringComparison.Ordinal);
        Assert.Equal(progress.BodyText, harness.Browser.AnswerSdp);
        Assert.DoesNotContain(harness.Browser.Flow.Sent.OfType<SipResponse>(), r => r.StatusCode == 180);
    }

    [Fact]
    public async Task Ringing_without_early_media_is_180_without_sdp()
    {
        await using var harness = new CallHarness();
        await harness.Browser.RegisterAsync();
        await harness.Browser.DialAsync("2000");
        var leg = await harness.Pbx.WaitForLegAsync();

        leg.Request.Observer.OnRinging();
        var ringing = await harness.Browser.Flow.WaitForAsync<SipResponse>(r => r.StatusCode == 180);

        Assert.Empty(ringing.Body);
        Assert.DoesNotContain(harness.Browser.Flow.Sent.OfType<SipResponse>(), r => r.StatusCode == 183);
    }
}
