using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Message;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Http;

/// <summary>Calls per agent and in total, through the whole service: agents register over WSS and call the demo
/// PBX's 602 (it rings until cancelled), so each accepted call stays up while the next one is tried.</summary>
public sealed class CallLimitsOverWssTests
{
    private static readonly string Offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"))
        .ReplaceLineEndings("\r\n");

    [Fact]
    public async Task Calls_beyond_the_agent_and_the_total_limit_get_503_saying_which_with_retry_after()
    {
        // A third agent next to the demo agents 1001 and 1002, so the total limit can be reached without the agent one.
        const string password = "third-agent";
        await using var bridge = await InProcessPbxBridge.StartAsync(
            "--Limits:MaxCalls=2", "--Limits:MaxCallsPerAgent=1",
            "--Agents:0:Id=2001", $"--Agents:0:Ha1Md5={SipDigestHa1.ComputeMd5("2001", "pbxbridge", password)}",
            $"--Agents:0:Ha1Sha256={SipDigestHa1.ComputeSha256("2001", "pbxbridge", password)}");
        await using var a1001 = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        await using var a1002 = await WssSipClient.ConnectAsync(bridge.SipUri, "1002");
        await using var a2001 = await WssSipClient.ConnectAsync(bridge.SipUri, "2001");
        Assert.Equal(200, (await a1001.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(200, (await a1002.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(200, (await a2001.RegisterAsync(password)).StatusCode);

        Assert.Equal(180, (await a1001.InviteAsync("602", Offer)).StatusCode);
        var secondOf1001 = await a1001.InviteAsync("602", Offer);
        Assert.Equal(180, (await a1002.InviteAsync("602", Offer)).StatusCode);
        var thirdInTotal = await a2001.InviteAsync("602", Offer);

        Assert.Equal(503, secondOf1001.StatusCode);
        Assert.Equal(LimitReasonPhrases.TooManyCallsForAgent, secondOf1001.ReasonPhrase);
        Assert.Equal("30", secondOf1001.Headers.Get(SipHeaderNames.RetryAfter));
        Assert.Contains("cause=34", secondOf1001.Headers.Get(SipHeaderNames.Reason), StringComparison.Ordinal);
        Assert.Equal(503, thirdInTotal.StatusCode);
        Assert.Equal(LimitReasonPhrases.TooManyCalls, thirdInTotal.ReasonPhrase);
        Assert.Equal("30", thirdInTotal.Headers.Get(SipHeaderNames.RetryAfter));
        Assert.Contains("pbxbridge_calls_active 2\n", await bridge.MetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pbx_call_to_an_agent_at_the_agent_limit_is_refused_as_busy_without_ringing_the_browser()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync("--Limits:MaxCallsPerAgent=1");
        await using var a1001 = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        Assert.Equal(200, (await a1001.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(180, (await a1001.InviteAsync("602", Offer)).StatusCode);

        using var admin = bridge.AdminHttpClient();
        var placed = await admin.PostAsync(new Uri(bridge.BaseUri, "api/demo/calls?agent=1001"), null);
        Assert.True(placed.IsSuccessStatusCode, await placed.Content.ReadAsStringAsync());

        // The demo's call is refused at once: no INVITE reaches the agent, and PbxBridge keeps only the agent's own call.
        using var noInvite = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a1001.ReceiveRequestTextAsync("INVITE").WaitAsync(noInvite.Token));
        Assert.Contains("pbxbridge_calls_active 1\n", await bridge.MetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_finds_no_udp_port_fails_with_a_reason_and_the_others_keep_going()
    {
        // One browser-side port: the first call takes it.
        await using var bridge = await InProcessPbxBridge.StartAsync("--Media:BrowserPortStart=47251", "--Media:BrowserPortEnd=47251");
        await using var a1001 = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        await using var a1002 = await WssSipClient.ConnectAsync(bridge.SipUri, "1002");
        Assert.Equal(200, (await a1001.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(200, (await a1002.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);

        Assert.Equal(180, (await a1001.InviteAsync("602", Offer)).StatusCode);
        var noPort = await a1002.InviteAsync("602", Offer);

        Assert.Equal(503, noPort.StatusCode);
        Assert.Equal(LimitReasonPhrases.NoMediaPorts, noPort.ReasonPhrase);
        Assert.Equal("30", noPort.Headers.Get(SipHeaderNames.RetryAfter));
        // The refused call leaves the registry just after its 503 went out; the first one stays.
        var metrics = await bridge.MetricsAsync();
        for (var i = 0; i < 100 && !metrics.Contains("pbxbridge_calls_active 1\n", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            metrics = await bridge.MetricsAsync();
        }

        Assert.Contains("pbxbridge_calls_active 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_media_failures_total{kind=\"udp_ports\"} 1\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_refused_for_lack_of_media_ports_does_not_count_toward_MaxCalls()
    {
        // One PBX-side port and room for two calls: the first call takes the port. Each later one gets its browser leg
        // (a socket on a media loop, whose release takes a hop to that loop) before it finds no PBX-side port.
        await using var bridge = await InProcessPbxBridge.StartAsync(
            "--Limits:MaxCalls=2", "--Media:PbxPortStart=47461", "--Media:PbxPortEnd=47461");
        await using var a1001 = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        await using var a1002 = await WssSipClient.ConnectAsync(bridge.SipUri, "1002");
        Assert.Equal(200, (await a1001.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(200, (await a1002.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(180, (await a1001.InviteAsync("602", Offer)).StatusCode);

        // Each refused call is followed at once by the next INVITE, as a retrying client does: every one must be refused
        // for the ports (1 of 2 calls in use), never as "Too Many Calls" because of the refused one before it.
        var reasons = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var refused = await a1002.InviteAsync("602", Offer);
            Assert.Equal(503, refused.StatusCode);
            reasons.Add(refused.ReasonPhrase);
        }

        Assert.All(reasons, r => Assert.Equal(LimitReasonPhrases.NoMediaPorts, r));

        // And the refused calls do leave: their browser legs are released, only the first call stays.
        var metrics = await bridge.MetricsAsync();
        for (var i = 0; i < 100 && !metrics.Contains("pbxbridge_calls_active 1\n", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
            metrics = await bridge.MetricsAsync();
        }

        Assert.Contains("pbxbridge_calls_active 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_udp_ports_browser_in_use 1\n", metrics, StringComparison.Ordinal);
    }
}
