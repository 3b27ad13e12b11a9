using System.Net;
using System.Text.Json;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.Browser.Tests.Pbx;

/// <summary>
/// JsSIP's and SIP.js's own hold() and unhold() in headless Chromium, on an agent's call through PbxBridge to each
/// PBX's simulator: the PBX receives the hold (Asterisk: music on hold started on the far channel; FreeSWITCH: a
/// re-INVITE a=sendonly on PbxBridge's leg, as a phone holds) and then the resume, and the far party's tone comes back after the resume.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PbxHoldInteropTests : IDisposable
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"hold-mic-{Guid.NewGuid():N}.wav");

    public PbxHoldInteropTests() => ToneWav.Write(microphoneWav, 700, 30);

    public void Dispose() => File.Delete(microphoneWav);

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Asterisk_far_party_gets_music_on_hold_when_the_agent_holds_and_loses_it_on_resume(string library)
    {
        await using var sim = await AriSimulator.StartAsync();
        await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.AsteriskArgs(sim));
        var run = Run(host, library);
        Assert.True(await sim.WaitUntilAsync(s => FarChannel(s) is not null && s.BridgeCount > 0, TimeSpan.FromSeconds(60)), "no answered far channel in a bridge");
        var far = FarChannel(sim)!;
        var result = await run;

        AssertHeldThenResumed(result);
        Assert.Equal([$"POST /channels/{far}/moh", $"DELETE /channels/{far}/moh"], sim.HoldRequests);
    }

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task FreeSwitch_gets_a_sendonly_re_invite_when_the_agent_holds_and_sendrecv_on_resume(string library)
    {
        var sipPort = SimulatedPbxHost.FreeUdpPort();
        await using var sim = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { PbxBridgeSip = new(IPAddress.Loopback, sipPort) });
        await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.FreeSwitchArgs(sim, sipPort));
        var run = Run(host, library);
        var channel = await sim.WaitForCallToAsync("601", TimeSpan.FromSeconds(60));
        var result = await run;

        AssertHeldThenResumed(result);
        Assert.Equal([$"{channel.UniqueId} sendonly", $"{channel.UniqueId} sendrecv"], sim.ReInvites);
    }

    private static void AssertHeldThenResumed(JsonElement result)
    {
        Assert.True(result.GetProperty("hold").GetProperty("held").GetBoolean(), $"the library did not hold: {result}");
        Assert.False(result.GetProperty("unhold").GetProperty("held").GetBoolean(), $"the library did not resume: {result}");
        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no tone after the resume: {tone}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), 1004 - 20, 1004 + 20);
    }

    private static string? FarChannel(AriSimulator sim) =>
        sim.ChannelIds.FirstOrDefault(id => id.EndsWith("-far", StringComparison.Ordinal) && sim.StateOf(id) == "Up");

    private Task<JsonElement> Run(PbxBridgeProcess host, string library) =>
        NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                $"--library={library}", $"--url=https://127.0.0.1:{host.Port}", "--agent=1001", $"--password={SimulatedPbxHost.AgentPassword}",
                "--action=hold", "--dial=601", $"--wav={microphoneWav}", "--holdMs=1500",
            ],
            ScenarioTimeout);
}
