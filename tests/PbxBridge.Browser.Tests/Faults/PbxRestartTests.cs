using System.Text.Json;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.Browser.Tests.Faults;

/// <summary>
/// The PBX restarts under a live call: its simulator is stopped outright (HTTP, events WebSocket or ESL socket, SIP
/// and RTP gone, every channel forgotten) and a fresh one starts on the same ports. PbxBridge must reconnect, end the
/// call the new PBX knows nothing of with a BYE to the browser, keep nothing of it, and take the next call.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PbxRestartTests : IDisposable
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"restart-mic-{Guid.NewGuid():N}.wav");

    public PbxRestartTests() => ToneWav.Write(microphoneWav, 700, 30);

    public void Dispose() => File.Delete(microphoneWav);

    [Fact]
    public async Task Asterisk_restart_ends_the_orphaned_call_with_a_bye_leaks_nothing_and_the_next_call_works()
    {
        AriSimulator? before = await AriSimulator.StartAsync();
        AriSimulator? after = null;
        try
        {
            await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.AsteriskArgs(before));
            var orphaned = Call(host, "call-until-end");
            await WaitForMediaBothWaysAsync(host, orphaned);

            var port = before.Url.Port;
            await before.DisposeAsync();
            before = null;
            await WaitForMetricAsync(host, "pbxbridge_pbx_control_up", 0);
            after = await AriSimulator.StartAsync(new AriSimulatorOptions { Port = port });

            await AssertEndedByTheBridgeAsync(host, await orphaned);
            var restarted = after;
            Assert.True(await restarted.WaitUntilAsync(s => s.ChannelCount == 0 && s.BridgeCount == 0, Wait), $"left in the new Asterisk: {string.Join(',', restarted.ChannelIds.Concat(restarted.BridgeIds))}");

            var next = Call(host, "call");
            Assert.True(await restarted.WaitUntilAsync(s => FarChannel(s) is not null && s.BridgeCount > 0, TimeSpan.FromSeconds(60)), "the call after the restart never reached a bridge");
            await Task.Delay(TimeSpan.FromSeconds(7));
            restarted.HangupFromPbx(FarChannel(restarted)!);
            AssertTone(await next, 1004);
            Assert.True(await restarted.WaitUntilAsync(s => s.ChannelCount == 0 && s.BridgeCount == 0, Wait), $"left behind: {restarted.ChannelCount} channels, {restarted.BridgeCount} bridges");
        }
        finally
        {
            if (before is not null)
            {
                await before.DisposeAsync();
            }

            if (after is not null)
            {
                await after.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task FreeSwitch_restart_ends_the_orphaned_call_with_a_bye_leaks_nothing_and_the_next_call_works()
    {
        var localSipPort = SimulatedPbxHost.FreeUdpPort();
        FreeSwitchSimulator? before = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { PbxBridgeSip = new(System.Net.IPAddress.Loopback, localSipPort) });
        FreeSwitchSimulator? after = null;
        try
        {
            await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.FreeSwitchArgs(before, localSipPort));
            var orphaned = Call(host, "call-until-end");
            await before.WaitForCallToAsync("601", TimeSpan.FromSeconds(60));
            await WaitForMediaBothWaysAsync(host, orphaned);

            var options = new FreeSwitchSimulatorOptions
            {
                EslPort = before.EslEndPoint.Port,
                SipPort = before.SipEndPoint.Port,
                PbxBridgeSip = before.Options.PbxBridgeSip,
            };
            await before.DisposeAsync();
            before = null;
            await WaitForMetricAsync(host, "pbxbridge_pbx_control_up", 0);
            after = await FreeSwitchSimulator.StartAsync(options);

            await AssertEndedByTheBridgeAsync(host, await orphaned);

            var next = Call(host, "call");
            var channel = await after.WaitForCallToAsync("601", TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(7));
            await after.HangupChannelAsync(channel);
            AssertTone(await next, 1004);
            Assert.All(after.Channels, c => Assert.False(c.IsUp, $"channel {c.UniqueId} still up"));
        }
        finally
        {
            if (before is not null)
            {
                await before.DisposeAsync();
            }

            if (after is not null)
            {
                await after.DisposeAsync();
            }
        }
    }

    private Task<JsonElement> Call(PbxBridgeProcess host, string action) =>
        NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                "--library=sipjs", $"--url=https://127.0.0.1:{host.Port}", "--agent=1001", $"--password={host.AgentPassword}",
                $"--action={action}", "--dial=601", $"--wav={microphoneWav}", "--waitRemoteEnd=true",
            ],
            ScenarioTimeout);

    private static string? FarChannel(AriSimulator sim) =>
        sim.ChannelIds.FirstOrDefault(id => id.EndsWith("-far", StringComparison.Ordinal) && sim.StateOf(id) == "Up");

    /// <summary>Half a second of audio each way through PbxBridge (its own counters, GET /api/calls).</summary>
    private static async Task WaitForMediaBothWaysAsync(PbxBridgeProcess host, Task scenario)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !scenario.IsCompleted)
        {
            using var calls = JsonDocument.Parse(await host.Http.GetStringAsync(new Uri("api/calls", UriKind.Relative)));
            foreach (var call in calls.RootElement.EnumerateArray())
            {
                var media = call.GetProperty("media");
                if (media.GetProperty("packetsToPbx").GetInt64() > 25 && media.GetProperty("packetsToBrowser").GetInt64() > 25)
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        await scenario;
        Assert.Fail($"no media both ways through the call\n{host.Output}");
    }

    /// <summary>The browser got a BYE (not a timeout), PbxBridge is reconnected and holds no call, dialog, transaction or port.</summary>
    private static async Task AssertEndedByTheBridgeAsync(PbxBridgeProcess host, JsonElement orphaned)
    {
        var end = orphaned.GetProperty("end");
        Assert.False(end.TryGetProperty("timeout", out _), $"the browser never heard the call end: {orphaned}\n{host.Output}");
        Assert.True(end.GetProperty("byeFromRemote").GetBoolean(), $"the call ended without a BYE from PbxBridge: {orphaned}");

        var metrics = await WaitForMetricAsync(host, "pbxbridge_sip_transactions", 0);
        Assert.Equal(1, PrometheusText.Value(metrics, "pbxbridge_pbx_control_up"));
        Assert.Equal(1, PrometheusText.Value(metrics, "pbxbridge_pbx_reconnects_total"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_calls_active"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_sip_dialogs"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_udp_ports_browser_in_use"));
        Assert.Equal(0, PrometheusText.Value(metrics, "pbxbridge_udp_ports_pbx_in_use"));
        Assert.Equal("[]", (await host.Http.GetStringAsync(new Uri("api/calls", UriKind.Relative))).Trim());
    }

    private static async Task<string> WaitForMetricAsync(PbxBridgeProcess host, string name, long value)
    {
        var metrics = "";
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            metrics = await host.Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
            if (PrometheusText.Value(metrics, name) == value)
            {
                return metrics;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{name} never reached {value}:\n{metrics}\n{host.Output}");
        return metrics;
    }

    private static void AssertTone(JsonElement result, double expectedHz)
    {
        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no audible tone: {tone}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), expectedHz - 20, expectedHz + 20);
    }
}
