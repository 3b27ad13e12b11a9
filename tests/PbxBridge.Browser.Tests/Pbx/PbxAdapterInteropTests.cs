using System.Text.Json;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.Browser.Tests.Pbx;

/// <summary>
/// SIP.js in headless Chromium -> PbxBridge configured for a real PBX kind -> that PBX's simulator, which follows the
/// recorded Asterisk 22 / FreeSWITCH 1.10 transcripts and exchanges real RTP (a 1004 Hz tone, an echo).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PbxAdapterInteropTests : IDisposable
{
    private const string Password = SimulatedPbxHost.AgentPassword;
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"pbx-mic-{Guid.NewGuid():N}.wav");

    public PbxAdapterInteropTests() => ToneWav.Write(microphoneWav, 700, 30);

    public void Dispose() => File.Delete(microphoneWav);

    [Fact]
    public async Task Asterisk_outbound_call_hears_the_channel_tone_and_the_pbx_hangup_reaches_the_browser()
    {
        await using var sim = await AriSimulator.StartAsync();
        await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.AsteriskArgs(sim));
        var run = Run(host, "call", "601", waitRemoteEnd: true);

        Assert.True(await sim.WaitUntilAsync(s => FarChannel(s) is not null && s.BridgeCount > 0, TimeSpan.FromSeconds(60)), "no answered far channel in a bridge");
        await Task.Delay(TimeSpan.FromSeconds(7));
        sim.HangupFromPbx(FarChannel(sim)!);
        var result = await run;

        AssertTone(result, 1004);
        Assert.False(result.GetProperty("end").TryGetProperty("timeout", out _), $"no BYE reached the browser: {result}");
        Assert.True(await sim.WaitUntilAsync(s => s.ChannelCount == 0 && s.BridgeCount == 0, TimeSpan.FromSeconds(10)), $"left behind: {sim.ChannelCount} channels, {sim.BridgeCount} bridges");
    }

    [Fact]
    public async Task Asterisk_inbound_stasis_call_rings_the_agent_who_answers_and_hears_the_tone()
    {
        await using var sim = await AriSimulator.StartAsync();
        await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.AsteriskArgs(sim));
        var run = Run(host, "wait-incoming", "");
        await WaitRegistered(host);
        var channel = sim.InjectInboundCall("1001", "5551234", "Customer");
        Assert.True(await sim.WaitUntilAsync(s => s.BridgeOf(channel) is not null, TimeSpan.FromSeconds(60)), "the agent's answer never bridged the caller");
        await Task.Delay(TimeSpan.FromSeconds(6));
        sim.HangupFromPbx(channel);
        var result = await run;

        Assert.Equal("5551234", result.GetProperty("incoming").GetProperty("from").GetString());
        AssertTone(result, 1004);
        Assert.False(result.GetProperty("end").TryGetProperty("timeout", out _), $"no BYE reached the browser: {result}");
        Assert.True(await sim.WaitUntilAsync(s => s.ChannelCount == 0 && s.BridgeCount == 0, TimeSpan.FromSeconds(10)), $"left behind: {sim.ChannelCount} channels, {sim.BridgeCount} bridges");
    }

    [Fact]
    public async Task FreeSwitch_outbound_call_hears_the_tone_and_the_pbx_hangup_reaches_the_browser()
    {
        var sipPort = SimulatedPbxHost.FreeUdpPort();
        await using var sim = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { PbxBridgeSip = new(System.Net.IPAddress.Loopback, sipPort) });
        await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.FreeSwitchArgs(sim, sipPort));
        var run = Run(host, "call", "601", waitRemoteEnd: true);
        var channel = await sim.WaitForCallToAsync("601", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(8));
        await sim.HangupChannelAsync(channel);
        var result = await run;

        AssertTone(result, 1004);
        Assert.Equal("1001", channel.XHeaders["X-PbxBridge-Agent"]);
        Assert.False(result.GetProperty("end").TryGetProperty("timeout", out _), $"no BYE reached the browser: {result}");
    }

    [Fact]
    public async Task FreeSwitch_call_to_an_agent_rings_is_answered_hears_the_tone_and_ends_from_the_pbx()
    {
        var sipPort = SimulatedPbxHost.FreeUdpPort();
        await using var sim = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { PbxBridgeSip = new(System.Net.IPAddress.Loopback, sipPort) });
        await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.FreeSwitchArgs(sim, sipPort));
        var run = Run(host, "wait-incoming", "");
        await WaitRegistered(host);
        var call = await sim.CallAgentAsync("1001");
        Assert.Equal(200, await call.FinalStatus.WaitAsync(TimeSpan.FromSeconds(60)));
        await Task.Delay(TimeSpan.FromSeconds(6));
        await call.HangupAsync();
        var result = await run;

        Assert.Equal("601", result.GetProperty("incoming").GetProperty("from").GetString());
        AssertTone(result, 1004);
        Assert.False(result.GetProperty("end").TryGetProperty("timeout", out _), $"no BYE reached the browser: {result}");
    }

    [Theory]
    [InlineData("sipjs")] // RFC 4733 events in the browser's SRTP (RTCDTMFSender)
    [InlineData("jssip")] // SIP INFO application/dtmf-relay over the WebSocket
    public async Task FreeSwitch_browser_dtmf_reaches_freeswitch_as_rfc2833_in_the_rtp_not_through_esl(string library)
    {
        var sipPort = SimulatedPbxHost.FreeUdpPort();
        await using var sim = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { PbxBridgeSip = new(System.Net.IPAddress.Loopback, sipPort) });
        await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.FreeSwitchArgs(sim, sipPort));
        var run = Run(host, "call", "601", library: library, dtmf: "159#");
        var channel = await sim.WaitForCallToAsync("601", TimeSpan.FromSeconds(60));
        var result = await run;

        AssertTone(result, 1004);
        Assert.True(
            await WaitUntil(() => channel.Rtp.DtmfDigits.Count >= 4, TimeSpan.FromSeconds(5)),
            $"RFC 2833 digits at FreeSWITCH: '{new string([.. channel.Rtp.DtmfDigits])}', through ESL: '{new string([.. channel.EslDtmf])}' ({result})");
        Assert.Equal("159#", new string([.. channel.Rtp.DtmfDigits]));
        Assert.Empty(channel.EslDtmf);
    }

    private static async Task<bool> WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static string? FarChannel(AriSimulator sim) =>
        sim.ChannelIds.FirstOrDefault(id => id.EndsWith("-far", StringComparison.Ordinal) && sim.StateOf(id) == "Up");

    private Task<JsonElement> Run(PbxBridgeProcess host, string action, string dial, bool waitRemoteEnd = false, string library = "sipjs", string dtmf = "") =>
        NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                $"--library={library}", $"--url=https://127.0.0.1:{host.Port}", "--agent=1001", $"--password={Password}",
                $"--action={action}", $"--dial={dial}", $"--wav={microphoneWav}", $"--waitRemoteEnd={(waitRemoteEnd ? "true" : "false")}",
                $"--dtmf={dtmf}",
            ],
            ScenarioTimeout);

    private static async Task WaitRegistered(PbxBridgeProcess host)
    {
        for (var i = 0; i < 600; i++)
        {
            if ((await host.Http.GetStringAsync(new Uri(host.BaseUri, "api/agents"))).Contains("\"1001\"", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("agent 1001 never registered");
    }

    private static void AssertTone(JsonElement result, double expectedHz)
    {
        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no audible tone: {tone}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), expectedHz - 20, expectedHz + 20);
    }
}
