using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Security;

/// <summary>Issue 17 item 2: Limits:MessagesPerSecond = 0 (what the README tells proxy deployments to use) turns the
/// rate limit off; it used to silence every SIP answer, because messages were handed on only inside the rate check.</summary>
public sealed class MessageRateOffTests
{
    private static readonly string Offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"))
        .ReplaceLineEndings("\r\n");

    [Fact]
    public async Task With_the_message_rate_limit_off_an_agent_registers_and_calls_over_the_real_listener()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync("--Limits:MessagesPerSecond=0");
        await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");

        Assert.Equal(200, (await agent.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        var ringing = await agent.InviteAsync("600", Offer);
        Assert.True(ringing.StatusCode is 180 or 200, $"INVITE to 600 answered {ringing.StatusCode} {ringing.ReasonPhrase}");

        // Nothing is refused for the rate when there is none: a burst far over the default bucket is all answered.
        var burst = await agent.OptionsBurstAsync(120, TimeSpan.Zero);
        Assert.Equal(121, burst.Count(r => r.StatusCode == 200 && r.Headers.Get("CSeq") == "1 OPTIONS"));
        Assert.Contains("pbxbridge_sip_messages_rate_limited_total 0\n", await bridge.MetricsAsync(), StringComparison.Ordinal);
    }
}
