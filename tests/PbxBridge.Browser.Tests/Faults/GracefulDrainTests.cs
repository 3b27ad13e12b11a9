using System.Diagnostics;
using System.Text.Json;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.Browser.Tests.Harness;
using Xunit.Abstractions;

namespace PbxBridge.Browser.Tests.Faults;

/// <summary>
/// SIGTERM under a live call (SIP.js in Chromium through PbxBridge to the Asterisk simulator's tone): PbxBridge takes
/// no new call, lets the live one run for Shutdown:DrainSeconds, then hangs it up on both sides and exits 0.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GracefulDrainTests : IDisposable
{
    private const int DrainSeconds = 12;
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"drain-mic-{Guid.NewGuid():N}.wav");
    private readonly ITestOutputHelper output;

    public GracefulDrainTests(ITestOutputHelper output)
    {
        this.output = output;
        ToneWav.Write(microphoneWav, 700, 30);
    }

    public void Dispose() => File.Delete(microphoneWav);

    [Fact]
    public async Task Sigterm_refuses_new_calls_drains_the_live_one_then_hangs_it_up_on_both_sides_and_exits_0()
    {
        await using var sim = await AriSimulator.StartAsync();
        await using var host = await SimulatedPbxHost.StartAsync(SimulatedPbxHost.AsteriskArgs(sim), $"--Shutdown:DrainSeconds={DrainSeconds}");
        var live = Scenario(host, "call-until-end");
        Assert.True(
            await sim.WaitUntilAsync(s => s.ChannelIds.Any(id => id.EndsWith("-far", StringComparison.Ordinal) && s.StateOf(id) == "Up") && s.BridgeCount > 0, ScenarioTimeout),
            "the live call never reached a bridge");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var clock = Stopwatch.StartNew();
        var exited = host.TerminateAsync(TimeSpan.FromSeconds(DrainSeconds + 30));
        var refused = await Scenario(host, "busy");
        output.WriteLine($"a new call during the drain, {clock.Elapsed.TotalSeconds:F1} s after SIGTERM: {refused}");
        var liveEnd = await live;
        var endedAfter = clock.Elapsed;
        var exitCode = await exited;
        output.WriteLine($"the live call ended {endedAfter.TotalSeconds:F1} s after SIGTERM (drain {DrainSeconds} s); exit code {exitCode}");

        Assert.Equal("failed", refused.GetProperty("call").GetProperty("state").GetString());
        Assert.Equal(503, refused.GetProperty("call").GetProperty("status").GetInt32());
        Assert.True(liveEnd.GetProperty("end").TryGetProperty("byeFromRemote", out var bye) && bye.GetBoolean(), $"the live call did not end with PbxBridge's BYE: {liveEnd}\n{host.Output}");
        Assert.InRange(endedAfter.TotalSeconds, DrainSeconds - 1, DrainSeconds + 10);
        Assert.True(await sim.WaitUntilAsync(s => s.ChannelCount == 0 && s.BridgeCount == 0, TimeSpan.FromSeconds(10)), $"left in Asterisk: {string.Join(',', sim.ChannelIds.Concat(sim.BridgeIds))}");
        Assert.Equal(0, exitCode);
        Assert.Contains("drain time over: hanging up 1 calls on both sides", host.Output, StringComparison.Ordinal);
    }

    private Task<JsonElement> Scenario(PbxBridgeProcess host, string action) =>
        NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                "--library=sipjs", $"--url=https://127.0.0.1:{host.Port}", "--agent=1001", $"--password={host.AgentPassword}",
                $"--action={action}", "--dial=601", $"--wav={microphoneWav}",
            ],
            ScenarioTimeout);
}
