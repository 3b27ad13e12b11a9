using System.Globalization;
using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Network;

/// <summary>
/// Issue 23: an agent whose network drops UDP. Chromium runs in a namespace of its own whose nftables drop every UDP
/// packet toward PbxBridge; the call must still connect, over ICE-TCP (RFC 6544, RFC 4571 framing), either on the
/// HTTPS port the page and wss:// already use or on the dedicated Media:IceTcpPort. The echo (600) proves both
/// directions: the browser's 700 Hz reaches the PBX and comes back, measured by frequency.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IceTcpTests : IDisposable
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"icetcp-mic-{Guid.NewGuid():N}.wav");

    public IceTcpTests() => ToneWav.Write(microphoneWav, 700, 20);

    public void Dispose() => File.Delete(microphoneWav);

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task With_udp_dropped_the_call_carries_audio_over_ice_tcp_on_the_https_port(string library)
    {
        await using var network = await BrowserNetwork.CreateAsync();
        await DropUdpTowardPbxBridge(network);
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs: HostArgs(network, "--Media:IceTcpOnHttpsPort=true"));

        var result = await RunEcho(network, host, library);

        AssertTone(result, 700);
        var stats = result.GetProperty("stats");
        Assert.Equal("tcp", stats.GetProperty("selectedProtocol").GetString());
        Assert.Equal("passive", stats.GetProperty("selectedRemoteTcpType").GetString());
        Assert.Equal($"{network.HostAddress}:{host.Port}", stats.GetProperty("selectedRemoteAddress").GetString());
        await AssertUdpWasTriedAndDropped(network);
        Assert.True(await host.WaitForMetricAsync("pbxbridge_calls_by_media_transport_total{transport=\"tcp\"} 1"), "the call was not counted as carried over ICE-TCP");
    }

    [Fact]
    public async Task With_udp_dropped_the_call_carries_audio_over_the_dedicated_ice_tcp_port()
    {
        await using var network = await BrowserNetwork.CreateAsync();
        await DropUdpTowardPbxBridge(network);
        var iceTcpPort = FreeTcpPort.Next();
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs: HostArgs(network, $"--Media:IceTcpPort={iceTcpPort}"));

        var result = await RunEcho(network, host, "jssip");

        AssertTone(result, 700);
        var stats = result.GetProperty("stats");
        Assert.Equal("tcp", stats.GetProperty("selectedProtocol").GetString());
        Assert.Equal($"{network.HostAddress}:{iceTcpPort}", stats.GetProperty("selectedRemoteAddress").GetString());
        await AssertUdpWasTriedAndDropped(network);
    }

    private static string[] HostArgs(BrowserNetwork network, string iceTcpOption) =>
    [
        "--Http:ListenAddress=0.0.0.0",
        $"--Media:PublicAddress={network.HostAddress}",
        iceTcpOption,
    ];

    private static Task DropUdpTowardPbxBridge(BrowserNetwork network) => network.ApplyNftablesAsync(
        $$"""
        table inet pbxbridge_test {
          chain output {
            type filter hook output priority 0; policy accept;
            ip daddr {{network.HostAddress}} meta l4proto udp counter drop
          }
        }
        """);

    private static async Task AssertUdpWasTriedAndDropped(BrowserNetwork network)
    {
        var rules = await network.ListNftablesAsync();
        var match = System.Text.RegularExpressions.Regex.Match(rules, @"udp counter packets (\d+)");
        Assert.True(match.Success, $"no UDP drop rule in the browser's namespace:\n{rules}");
        Assert.True(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) > 0, $"Chromium never tried UDP, so the test proves nothing:\n{rules}");
    }

    private Task<JsonElement> RunEcho(BrowserNetwork network, PbxBridgeProcess host, string library) =>
        NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                $"--library={library}",
                $"--url=https://{network.HostAddress}:{host.Port}",
                "--agent=1001",
                $"--password={host.AgentPassword}",
                "--action=call",
                "--dial=600",
                $"--wav={microphoneWav}",
            ],
            ScenarioTimeout,
            network.Name);

    private static void AssertTone(JsonElement result, double expectedHz)
    {
        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no audible tone came back: {result}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), expectedHz - 20, expectedHz + 20);
    }
}
