using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Operations;

/// <summary>
/// The log of one normal call from JsSIP and from SIP.js in Chromium, read as an admin reads it: the ICE and DTLS
/// lines carry the call tag like every other line about the call (README: one grep meets the PBX's log), addresses
/// read IP:port, and a normal hangup, close_notify included, writes no warning. (The ICE line is written on the media
/// loop and the DTLS line on the DTLS thread, where the call's logging scope does not flow.)
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CallLogLinesTests : IDisposable
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(90);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"log-mic-{Guid.NewGuid():N}.wav");

    public CallLogLinesTests() => ToneWav.Write(microphoneWav, 700, 20);

    public void Dispose() => File.Delete(microphoneWav);

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_normal_call_logs_ICE_and_DTLS_with_the_call_tag_and_its_hangup_without_warnings(string library)
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        await NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                $"--library={library}", $"--url=https://127.0.0.1:{host.Port}", "--agent=1001", $"--password={host.AgentPassword}",
                "--action=call", "--dial=601", $"--wav={microphoneWav}", "--holdMs=1000",
            ],
            ScenarioTimeout);
        await WaitForCallsToEnd(host);
        var lines = host.Output.Split('\n');

        var nominated = Assert.Single(lines, l => l.Contains("ICE: browser nominated", StringComparison.Ordinal));
        Assert.Matches(@"\[call=[0-9a-f]{16} agent=1001 pbx=\S+\] ICE: browser nominated 127\.0\.0\.1:\d+\s*$", nominated);
        var callTag = nominated[nominated.IndexOf("[call=", StringComparison.Ordinal)..(nominated.IndexOf(']', StringComparison.Ordinal) + 1)];
        Assert.Contains(lines, l => l.Contains($"{callTag} DTLS connected as server", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"{callTag} browser media connected from 127.0.0.1:", StringComparison.Ordinal));
        // The PBX-side id is "-" on the first line, before the PBX leg exists: the call and the agent are on every one.
        var callAndAgent = callTag[..callTag.IndexOf(" pbx=", StringComparison.Ordinal)];
        Assert.All(lines.Where(l => l.Contains(" PbxBridge.Calls.Call: ", StringComparison.Ordinal)), l => Assert.Contains(callAndAgent, l, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(" WRN ", StringComparison.Ordinal) && l.Contains(callTag, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("InterNetwork", StringComparison.Ordinal) || l.Contains("from null", StringComparison.Ordinal));
    }

    private static async Task WaitForCallsToEnd(PbxBridgeProcess host)
    {
        for (var i = 0; i < 50; i++)
        {
            if ((await host.Http.GetStringAsync(new Uri(host.BaseUri, "api/calls"))).Trim() == "[]")
            {
                // The browser's close_notify may trail its BYE by a moment: let it be logged.
                await Task.Delay(500);
                return;
            }

            await Task.Delay(100);
        }
    }
}
