using Microsoft.Extensions.DependencyInjection;
using PbxBridge.Calls.Overload;
using PbxBridge.Sip.Message;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Http;

/// <summary>
/// The overload ladder's last step through the whole service: an agent registered over WSS calls while the media
/// loops report skipped ticks (injected into the service's own controller, as its monitor would feed it), gets
/// 503 Server Overloaded with Retry-After at once, and calls again once the step is released.
/// </summary>
public sealed class OverloadOverWssTests
{
    private static readonly string Offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"))
        .ReplaceLineEndings("\r\n");

    [Fact]
    public async Task An_invite_while_new_calls_are_refused_for_overload_gets_503_with_retry_after_and_one_after_the_release_rings()
    {
        // A long release time, so the monitor's real (idle) samples cannot release the step during the test.
        await using var bridge = await InProcessPbxBridge.StartAsync("--Limits:OverloadReleaseSeconds=600", "--Limits:OverloadRetryAfterSeconds=7");
        var overload = bridge.Services.GetRequiredService<OverloadController>();
        await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        Assert.Equal(200, (await agent.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);

        overload.Observe(new MediaLoadSample(TimeSpan.FromSeconds(1), 0.95, 100, 12, 1));
        overload.Observe(new MediaLoadSample(TimeSpan.FromSeconds(1), 0.95, 100, 15, 2));
        Assert.True(overload.Current.RefuseNewCalls);
        var started = TimeProvider.System.GetTimestamp();
        var refused = await agent.InviteAsync("602", Offer);
        var answeredIn = TimeProvider.System.GetElapsedTime(started);

        Assert.Equal(503, refused.StatusCode);
        Assert.Equal(LimitReasonPhrases.Overloaded, refused.ReasonPhrase);
        Assert.Equal("7", refused.Headers.Get(SipHeaderNames.RetryAfter));
        Assert.Contains("cause=42", refused.Headers.Get(SipHeaderNames.Reason), StringComparison.Ordinal);
        Assert.True(answeredIn < TimeSpan.FromSeconds(1), $"the 503 took {answeredIn.TotalMilliseconds:F0} ms");
        var metrics = await bridge.MetricsAsync();
        Assert.Contains("pbxbridge_overload_refusing_calls 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_overload_calls_refused_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_overload_opus_complexity_ceiling 0\n", metrics, StringComparison.Ordinal);

        // The release time of calm: one step down, calls are accepted again (still at the cheapest encoder).
        overload.Observe(new MediaLoadSample(TimeSpan.FromSeconds(600), 0.05, 100, 0, 0));
        Assert.False(overload.Current.RefuseNewCalls);
        Assert.Equal(180, (await agent.InviteAsync("602", Offer)).StatusCode);
        Assert.Contains("pbxbridge_overload_refusing_calls 0\n", await bridge.MetricsAsync(), StringComparison.Ordinal);
    }
}
