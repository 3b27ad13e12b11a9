using PbxBridge.Sip.Message;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Http;

/// <summary>The Limits section reaches the SIP stack of the running service: checked over real WSS connections.</summary>
public sealed class SipLimitsSettingsTests
{
    [Fact]
    public async Task Registrations_per_agent_and_the_message_rate_come_from_the_limits_section()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync(
            "--Limits:MaxRegistrationsPerAgent=1", "--Limits:MessagesPerSecond=5", "--Limits:MessageBurst=10");
        await using var tab1 = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        await using var tab2 = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        await using var other = await WssSipClient.ConnectAsync(bridge.SipUri, "1002");

        Assert.Equal(200, (await tab1.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        var second = await tab2.RegisterAsync(InProcessPbxBridge.DemoPassword);
        var burst = await other.OptionsBurstAsync(30, pause: TimeSpan.FromSeconds(2.5));

        Assert.Equal(503, second.StatusCode);
        Assert.Equal(LimitReasonPhrases.TooManyRegistrations, second.ReasonPhrase);
        Assert.NotNull(second.Headers.Get(SipHeaderNames.RetryAfter));
        // 30 at once against a bucket of 10 refilled at 5/s: some are refused however slow this machine is today.
        Assert.Contains(burst, r => r.StatusCode == 503 && r.ReasonPhrase == LimitReasonPhrases.TooManyMessages && r.Headers.Get(SipHeaderNames.RetryAfter) == "1");
        Assert.All(burst, r => Assert.True(r.StatusCode is 200 or 503));
        Assert.Equal(200, burst[^1].StatusCode);
        var metrics = await bridge.MetricsAsync();
        Assert.Contains("pbxbridge_sip_registrations_refused_total 1\n", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("pbxbridge_sip_messages_rate_limited_total 0\n", metrics, StringComparison.Ordinal);
    }
}
