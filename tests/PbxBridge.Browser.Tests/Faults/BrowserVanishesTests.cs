using System.Text.Json;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.Browser.Tests.Harness;
using Xunit.Abstractions;

namespace PbxBridge.Browser.Tests.Faults;

/// <summary>
/// SIP.js in Chromium calls through PbxBridge into the Asterisk simulator (extension 601, a tone), then Chromium is
/// signalled behind the SIP library's back, so no BYE is ever sent. Asterisk must lose the call anyway, and PbxBridge
/// must keep nothing of it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserVanishesTests : IDisposable
{
    // Media:ConsentTimeoutSeconds for the frozen-browser case: short for CI, long enough to tell apart from the
    // WebSocket-close path (at once) and from the 30 s default.
    private const int ConsentSeconds = 10;

    // Chromium, the controlling ICE agent, refreshes consent on the selected pair every 2.5 s (RFC 7675 allows up
    // to 6 s): the last check before the freeze may be that much older than the freeze itself.
    private const int ConsentCheckIntervalSeconds = 6;

    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"vanish-mic-{Guid.NewGuid():N}.wav");

    private readonly ITestOutputHelper output;

    public BrowserVanishesTests(ITestOutputHelper output)
    {
        this.output = output;
        ToneWav.Write(microphoneWav, 700, 30);
    }

    public void Dispose() => File.Delete(microphoneWav);

    [Fact]
    public async Task Frozen_browser_is_hung_up_on_the_pbx_when_ice_consent_expires_and_leaves_nothing_behind()
    {
        await using var sim = await AriSimulator.StartAsync();
        await using var host = await SimulatedPbxHost.StartAsync(
            SimulatedPbxHost.AsteriskArgs(sim), $"--Media:ConsentTimeoutSeconds={ConsentSeconds}");
        var pbxHungUpAt = WhenAsteriskLosesTheCall(sim);

        var result = await Vanish(host, "SIGSTOP");
        var hungUpAfterMs = await pbxHungUpAt - result.GetProperty("vanishedAt").GetInt64();
        output.WriteLine($"SIGSTOP: Asterisk lost the call {hungUpAfterMs} ms after the browser froze (consent timeout {ConsentSeconds} s)");

        // Consent counts from the last valid check, which Chromium sent at most one check interval before it froze.
        Assert.InRange(hungUpAfterMs, (ConsentSeconds - ConsentCheckIntervalSeconds) * 1000, (ConsentSeconds + 3) * 1000);
        Assert.Contains("ICE consent expired", host.Output, StringComparison.Ordinal);
        await AssertNothingLeftAsync(host, result);
        Assert.Contains("pbxbridge_media_failures_total{kind=\"browser\"} 1", await Metrics(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Killed_browser_is_hung_up_on_the_pbx_once_the_reconnect_grace_after_its_websocket_closed_runs_out()
    {
        await using var sim = await AriSimulator.StartAsync();

        // The default 30 s consent: a crash must not wait for it. The kernel closes the crashed browser's connection;
        // the call then waits Sip:ReconnectGraceSeconds for the agent to come back on a new one (issue 23), no longer.
        const int graceSeconds = 5;
        await using var host = await SimulatedPbxHost.StartAsync([.. SimulatedPbxHost.AsteriskArgs(sim), $"--Sip:ReconnectGraceSeconds={graceSeconds}"]);
        var pbxHungUpAt = WhenAsteriskLosesTheCall(sim);

        var result = await Vanish(host, "SIGKILL");
        var hungUpAfterMs = await pbxHungUpAt - result.GetProperty("vanishedAt").GetInt64();
        output.WriteLine($"SIGKILL: Asterisk lost the call {hungUpAfterMs} ms after the browser was killed (grace {graceSeconds} s)");

        Assert.InRange(hungUpAfterMs, (graceSeconds - 1) * 1000, (graceSeconds + 5) * 1000);
        Assert.DoesNotContain("ICE consent expired", host.Output, StringComparison.Ordinal);
        await AssertNothingLeftAsync(host, result);
    }

    /// <summary>Completes with the time (epoch ms) the simulator had neither channel nor bridge left after the call was up.</summary>
    private static async Task<long> WhenAsteriskLosesTheCall(AriSimulator sim)
    {
        Assert.True(
            await sim.WaitUntilAsync(s => s.ChannelIds.Any(id => id.EndsWith("-far", StringComparison.Ordinal) && s.StateOf(id) == "Up") && s.BridgeCount > 0, ScenarioTimeout),
            "the call never reached an answered far channel in a bridge");
        Assert.True(
            await sim.WaitUntilAsync(s => s.ChannelCount == 0 && s.BridgeCount == 0, ScenarioTimeout),
            $"Asterisk still holds {sim.ChannelCount} channels and {sim.BridgeCount} bridges");
        return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    private Task<JsonElement> Vanish(PbxBridgeProcess host, string signal) =>
        NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "vanish.mjs"),
            [
                "--library=sipjs", $"--url=https://127.0.0.1:{host.Port}", "--agent=1001", $"--password={host.AgentPassword}",
                "--dial=601", $"--wav={microphoneWav}", $"--signal={signal}", $"--releaseAfterMs={(ConsentSeconds + 20) * 1000}",
            ],
            ScenarioTimeout);

    private static async Task AssertNothingLeftAsync(PbxBridgeProcess host, JsonElement result)
    {
        Assert.True(result.GetProperty("callGoneAt").ValueKind == JsonValueKind.Number, $"the call stayed in /api/calls: {result}\n{host.Output}");
        Assert.Equal("[]", (await host.Http.GetStringAsync(new Uri("api/calls", UriKind.Relative))).Trim());

        // The browser is dead by now, so its WebSocket is closed: the BYE transaction toward it ends with the flow.
        var metrics = "";
        for (var i = 0; i < 100; i++)
        {
            metrics = await Metrics(host);
            if (PrometheusText.Value(metrics, "pbxbridge_sip_connections") == 0 && PrometheusText.Value(metrics, "pbxbridge_sip_transactions") == 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_calls_active"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_sip_connections"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_sip_dialogs"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_sip_transactions"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_udp_ports_browser_in_use"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_udp_ports_pbx_in_use"));
    }

    private static Task<string> Metrics(PbxBridgeProcess host) => host.Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
}
