using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Network;

/// <summary>
/// Issue 23: Wi-Fi to 4G mid-call. Chromium's namespace moves to a new address and the connections of the old one are
/// aborted, as a phone's OS does; JsSIP / SIP.js reconnect their WebSocket from the new address, register, and
/// re-INVITE with an ICE restart on the new connection. PbxBridge moves the dialog to the new connection (same
/// authenticated agent), ICE follows the new nominated address while DTLS stays, and the PBX leg never notices: the
/// echo (600) is heard at 700 Hz before and after, one call from start to end, and the reconnect is counted.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NetworkChangeTests : IDisposable
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(150);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"netchange-mic-{Guid.NewGuid():N}.wav");

    public NetworkChangeTests() => ToneWav.Write(microphoneWav, 700, 60);

    public void Dispose() => File.Delete(microphoneWav);

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_call_survives_the_agent_moving_to_a_new_address_and_reconnecting_its_websocket(string library)
    {
        await using var network = await BrowserNetwork.CreateAsync();
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs:
        [
            "--Http:ListenAddress=0.0.0.0",
            $"--Media:PublicAddress={network.HostAddress}",
        ]);
        var newAddress = $"10.{network.Subnet}.0.3";

        var result = await NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                $"--library={library}",
                $"--url=https://{network.HostAddress}:{host.Port}",
                "--agent=1001",
                $"--password={host.AgentPassword}",
                "--action=network-change",
                "--dial=600",
                $"--wav={microphoneWav}",
                $"--oldAddress={network.BrowserAddress}",
                $"--newAddress={newAddress}",
            ],
            ScenarioTimeout,
            network.Name);

        AssertTone(result.GetProperty("before").GetProperty("tone"), 700);
        Assert.StartsWith($"{network.BrowserAddress}:", result.GetProperty("before").GetProperty("stats").GetProperty("selectedLocalAddress").GetString(), StringComparison.Ordinal);
        AssertTone(result.GetProperty("tone"), 700);
        Assert.StartsWith($"{newAddress}:", result.GetProperty("stats").GetProperty("selectedLocalAddress").GetString(), StringComparison.Ordinal);
        var metrics = await host.Http.GetStringAsync(new Uri(host.BaseUri, "metrics"));
        Assert.Equal(1, PrometheusText.Value(metrics, "pbxbridge_sip_reconnects_survived_total"));
        // One call toward the PBX from start to end: the reconnect made no second one.
        Assert.Equal(1, PrometheusText.Value(metrics, "pbxbridge_calls_started_total"));
        Assert.Contains("came back on a new connection", host.Output, StringComparison.Ordinal);
        Assert.True(await host.WaitForMetricAsync("pbxbridge_calls_by_media_transport_total{transport=\"udp\"} 1"), "the call was not counted as carried over UDP");
    }

    private static void AssertTone(JsonElement tone, double expectedHz)
    {
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no audible tone: {tone}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), expectedHz - 20, expectedHz + 20);
    }
}
