using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

[Collection(BrowserCollection.Name)]
public sealed class PhoneInCallControlTests : IDisposable
{
    private readonly string _microphoneWav = Path.Combine(Path.GetTempPath(), $"phone-echo-{Guid.NewGuid():N}.wav");

    public void Dispose() => File.Delete(_microphoneWav);

    [Fact]
    public async Task Mute_silences_the_echo_dtmf_keys_are_sent_and_hold_resume_round_trips()
    {
        ToneWav.Write(_microphoneWav, 700, 40);
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(
            host, "call-controls.mjs",
            $"--url={host.PhoneUrl}", "--agent=1001", $"--password={host.AgentPassword}", "--number=600",
            $"--wav={_microphoneWav}", "--keys=12#");

        Assert.InRange(Hz(result, "echoBefore"), 680, 720);
        var muted = result.GetProperty("muted");
        Assert.True(muted.GetProperty("muted").GetBoolean());
        Assert.Equal("true", muted.GetProperty("pressed").GetString());
        Assert.Equal("Unmute", muted.GetProperty("label").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("echoWhileMuted").ValueKind);
        Assert.False(result.GetProperty("unmuted").GetBoolean());
        Assert.InRange(Hz(result, "echoAfter"), 680, 720);

        var dtmf = result.GetProperty("dtmf");
        Assert.Equal("12#", dtmf.GetProperty("sent").GetString());
        Assert.Equal("Keys sent: 12#", dtmf.GetProperty("notice").GetString());
        Assert.Equal("600", dtmf.GetProperty("numberField").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, dtmf.GetProperty("lastError").ValueKind);

        var held = result.GetProperty("held");
        Assert.True(held.GetProperty("held").GetBoolean());
        Assert.Equal("On hold", held.GetProperty("stateText").GetString());
        Assert.Equal("Resume", held.GetProperty("button").GetString());
        var resumed = result.GetProperty("resumed");
        Assert.False(resumed.GetProperty("held").GetBoolean());
        Assert.Equal("In call", resumed.GetProperty("stateText").GetString());
    }

    [Fact]
    public async Task Busy_number_shows_the_sip_reason_in_plain_words()
    {
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(
            host, "call-error.mjs", $"--url={host.PhoneUrl}", "--agent=1001", $"--password={host.AgentPassword}", "--number=603");

        Assert.Equal("The number is busy (486 Busy Here).", result.GetProperty("errorText").GetString());
        Assert.Equal("idle", result.GetProperty("state").GetString());
        Assert.True(result.GetProperty("callEnabled").GetBoolean());
        Assert.Equal("registered", result.GetProperty("registration").GetString());
    }

    private static double Hz(System.Text.Json.JsonElement result, string name)
    {
        var value = result.GetProperty(name);
        Assert.True(value.ValueKind == System.Text.Json.JsonValueKind.Number, $"{name}: no tone heard ({result})");
        return value.GetDouble();
    }
}
