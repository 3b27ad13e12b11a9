using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Tests.Support;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls.Tests;

/// <summary>
/// Every line about a call carries the call id, the agent and the PBX-side id (README), also the lines the browser
/// leg writes from the media loop (ICE) and the DTLS thread, where the call's logging scope does not flow.
/// </summary>
public sealed class LogScopeTests
{
    [Fact]
    public async Task The_ICE_nomination_line_from_the_media_loop_carries_the_call_agent_and_pbx_ids()
    {
        await using var harness = new CallHarness();
        await harness.AgentCallAnsweredAsync();
        var call = harness.Manager.Calls.Single();
        using var browser = new IceCheckSender();

        browser.SendNominatingCheck(harness.Browser.AnswerSdp, "puFd");

        var line = await harness.Log.WaitForAsync("ICE: browser nominated");
        Assert.Equal($"ICE: browser nominated {browser.LocalEndPoint}", line.Message);
        Assert.Equal(call.Id, line.Scope.GetValueOrDefault("CallId"));
        Assert.Equal("1001", line.Scope.GetValueOrDefault("Agent"));
        Assert.Equal("fake-out-1", line.Scope.GetValueOrDefault("PbxId"));
    }

    [Fact]
    public async Task The_browser_closing_DTLS_at_hangup_is_no_warning()
    {
        await using var harness = new CallHarness();
        await harness.AgentCallAnsweredAsync();
        var call = harness.Manager.Calls.Single();

        ((ICallMediaEvents)call).OnBrowserMediaClosed(WebRtcCloseReasons.ClosedByBrowser);
        await call.Ended.WaitAsync(TimeSpan.FromSeconds(5));

        var line = await harness.Log.WaitForAsync("browser closed its media");
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.DoesNotContain(harness.Log.Lines, l => l.Level >= LogLevel.Warning);
    }
}
