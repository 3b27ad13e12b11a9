using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Sip;

/// <summary>
/// Real browser softphones against PbxBridge on the demo PBX: JsSIP 3.13 and SIP.js 0.21 from npm, unmodified, in
/// headless Debian Chromium, over WSS, with ICE/DTLS-SRTP/Opus to PbxBridge and PCMU RTP to the demo PBX.
/// The microphone plays 700 Hz; the demo tone is 1004 Hz, so an echo cannot be mistaken for the tone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SipClientInteropTests : IDisposable
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(90);
    private readonly string microphoneWav = Path.Combine(Path.GetTempPath(), $"sip-mic-{Guid.NewGuid():N}.wav");

    public SipClientInteropTests() => ToneWav.Write(microphoneWav, 700, 20);

    public void Dispose() => File.Delete(microphoneWav);

    public static TheoryData<string> Libraries => new() { "jssip", "sipjs" };

    [Theory]
    [MemberData(nameof(Libraries))]
    public async Task Calling_600_echoes_the_microphone_tone_back_through_opus_and_pcmu(string library)
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var result = await Run(host, library, "call", "600");

        AssertTone(result, 700);
        var stats = result.GetProperty("stats");
        Assert.Equal("audio/opus", stats.GetProperty("codec").GetString());
        Assert.Equal("connected", stats.GetProperty("dtlsState").GetString());
        Assert.Matches("AES128_CM_HMAC_SHA1_80|AES_CM_128_HMAC_SHA1_80|AEAD_AES_128_GCM", stats.GetProperty("srtpCipher").GetString() ?? "");
        Assert.True(stats.GetProperty("packetsReceived").GetInt32() > 50, $"too few packets back: {stats}");
    }

    /// <summary>Issue 17 item 2: with the rate limit off (what proxy deployments set), messages used to reach the stack
    /// only through the rate check, so nothing was ever answered.</summary>
    [Fact]
    public async Task With_the_message_rate_limit_off_jssip_registers_and_calls_600()
    {
        await using var host = await PbxBridgeProcess.StartAsync(extraArgs: ["--Limits:MessagesPerSecond=0"]);
        var result = await Run(host, "jssip", "call", "600");

        AssertTone(result, 700);
        Assert.Equal("connected", result.GetProperty("stats").GetProperty("dtlsState").GetString());
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public async Task Calling_601_plays_the_1004_Hz_tone_and_hangup_ends_the_pbx_leg(string library)
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var result = await Run(host, library, "call", "601");

        AssertTone(result, 1004);
        await AssertNoCallsLeft(host);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public async Task Calling_603_gets_busy_486_with_the_q850_reason(string library)
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var call = (await Run(host, library, "busy", "603")).GetProperty("call");

        Assert.Equal("failed", call.GetProperty("state").GetString());
        Assert.Equal(486, call.GetProperty("status").GetInt32());
        await AssertNoCallsLeft(host);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public async Task Calling_602_rings_and_cancelling_ends_it_with_487(string library)
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var call = (await Run(host, library, "cancel", "602")).GetProperty("call");

        Assert.Equal("failed", call.GetProperty("state").GetString());
        Assert.Contains(180, call.GetProperty("progress").EnumerateArray().Select(p => p.GetInt32()));
        if (library == "jssip")
        {
            Assert.Equal("Canceled", call.GetProperty("cause").GetString());
        }
        else
        {
            Assert.Equal(487, call.GetProperty("status").GetInt32());
        }

        await AssertNoCallsLeft(host);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public async Task A_wrong_password_is_refused(string library)
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var registration = (await Run(host, library, "wrong-password", "600", password: "not-the-password")).GetProperty("registration");

        Assert.Equal("failed", registration.GetProperty("state").GetString());
        Assert.Contains(registration.GetProperty("status").GetInt32(), new[] { 401, 403 });
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public async Task A_demo_pbx_call_rings_the_agent_is_answered_plays_the_tone_and_the_pbx_hangup_reaches_the_browser(string library)
    {
        await using var host = await PbxBridgeProcess.StartAsync();
        var result = await Run(host, library, "incoming", "");

        Assert.Equal("601", result.GetProperty("incoming").GetProperty("from").GetString());
        AssertTone(result, 1004);
        var end = result.GetProperty("end");
        Assert.False(end.TryGetProperty("timeout", out _), $"the browser never saw the PBX's hangup: {end}");
        if (library == "jssip")
        {
            Assert.Equal("remote", end.GetProperty("originator").GetString());
        }
        else
        {
            Assert.True(end.GetProperty("byeFromRemote").GetBoolean());
        }

        await AssertNoCallsLeft(host);
    }

    private async Task<JsonElement> Run(PbxBridgeProcess host, string library, string action, string dial, string? password = null) =>
        await NodeScenario.RunAsync(
            RepoPaths.BrowserScript("sip", "sip-client.mjs"),
            [
                $"--library={library}",
                $"--url=https://127.0.0.1:{host.Port}",
                "--agent=1001",
                $"--password={password ?? host.AgentPassword}",
                $"--action={action}",
                $"--dial={dial}",
                $"--wav={microphoneWav}",
            ],
            ScenarioTimeout);

    private static void AssertTone(JsonElement result, double expectedHz)
    {
        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"no audible tone came back: {tone}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), expectedHz - 20, expectedHz + 20);
    }

    private static async Task AssertNoCallsLeft(PbxBridgeProcess host)
    {
        // Teardown is asynchronous on both legs: give it a moment, then there must be nothing left.
        for (var i = 0; i < 50; i++)
        {
            var calls = await host.Http.GetStringAsync(new Uri(host.BaseUri, "api/calls"));
            if (calls.Trim() == "[]")
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("a call was left behind in /api/calls");
    }
}
