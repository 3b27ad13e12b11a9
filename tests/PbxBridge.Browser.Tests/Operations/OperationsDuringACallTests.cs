using System.Diagnostics;
using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Operations;

/// <summary>What an admin sees of a real call (JsSIP in Chromium on demo 600): /metrics, `pbxbridge calls --json`, `pbxbridge hangup`.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OperationsDuringACallTests : IDisposable
{
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"ops-mic-{Guid.NewGuid():N}.wav");

    public OperationsDuringACallTests() => ToneWav.Write(microphoneWav, 700, 30);

    public void Dispose() => File.Delete(microphoneWav);

    [Fact]
    public async Task Metrics_and_the_cli_show_a_live_call_and_hangup_from_the_cli_sends_BYE_to_the_browser()
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var run = NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            ["--library=jssip", $"--url=https://127.0.0.1:{host.Port}", "--agent=1001", $"--password={host.AgentPassword}",
             "--action=call", "--dial=600", $"--wav={microphoneWav}", "--holdMs=1500", "--waitRemoteEnd=true"],
            TimeSpan.FromSeconds(120));

        JsonElement call = default;
        for (var i = 0; i < 600 && call.ValueKind == JsonValueKind.Undefined; i++)
        {
            var (_, json) = await Cli(host, "calls", "--json");
            foreach (var c in JsonDocument.Parse(json).RootElement.EnumerateArray())
            {
                var media = c.GetProperty("media");
                if (media.GetProperty("packetsToPbx").GetInt64() > 20 && media.GetProperty("packetsToBrowser").GetInt64() > 20)
                {
                    call = c.Clone();
                }
            }

            await Task.Delay(100);
        }

        Assert.NotEqual(JsonValueKind.Undefined, call.ValueKind);
        Assert.Equal("1001", call.GetProperty("agentId").GetString());
        Assert.Equal("600", call.GetProperty("remoteParty").GetString());
        Assert.StartsWith("demo-", call.GetProperty("pbxId").GetString(), StringComparison.Ordinal);

        var during = await host.Http.GetStringAsync(new Uri(host.BaseUri, "metrics"));
        Assert.Equal(1, Metric(during, "pbxbridge_calls_active"));
        Assert.True(Metric(during, "pbxbridge_rtp_packets_from_browser_total") > 20);
        Assert.True(Metric(during, "pbxbridge_rtp_packets_to_browser_total") > 20);

        // The live call's refusals are exported per reason; Chromium's own SRTP always authenticates and its checks verify.
        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"srtp_auth\"} 0\n", during, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"stun_bad_integrity\"} 0\n", during, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"dtls_malformed\"} 0\n", during, StringComparison.Ordinal);

        var (exit, output) = await Cli(host, "hangup", call.GetProperty("id").GetString()!);
        Assert.True(exit == 0, output);
        var result = await run;
        var end = result.GetProperty("end");
        Assert.Equal("remote", end.GetProperty("originator").GetString());

        var after = "";
        for (var i = 0; i < 50; i++)
        {
            after = await host.Http.GetStringAsync(new Uri(host.BaseUri, "metrics"));
            if (Metric(after, "pbxbridge_calls_active") == 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(0, Metric(after, "pbxbridge_calls_active"));
        Assert.Contains("pbxbridge_calls_total{outcome=\"answered\"} 1", after, StringComparison.Ordinal);
        Assert.True(Metric(after, "pbxbridge_rtp_packets_to_pbx_total") > 20, after);
        Assert.True(Metric(after, "pbxbridge_rtp_packets_from_pbx_total") > 20, after);

        // Nothing of the call is left: no dialog, no transaction, no UDP port on either side.
        Assert.Equal(1, Metric(during, "pbxbridge_udp_ports_browser_in_use"));
        Assert.Equal(1, Metric(during, "pbxbridge_udp_ports_pbx_in_use"));
        Assert.Equal(0, Metric(after, "pbxbridge_sip_dialogs"));
        Assert.Equal(0, Metric(after, "pbxbridge_udp_ports_browser_in_use"));
        Assert.Equal(0, Metric(after, "pbxbridge_udp_ports_pbx_in_use"));
    }

    private static long Metric(string text, string name)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"metric {name} not found");
    }

    private static async Task<(int Exit, string Output)> Cli(PbxBridgeProcess host, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepoPaths.PbxBridgeDll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add($"--Http:Port={host.Port}");
        start.ArgumentList.Add($"--State:Directory={host.StateDirectory}");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
