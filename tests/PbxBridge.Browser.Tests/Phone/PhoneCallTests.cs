using System.Globalization;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

[Collection(BrowserCollection.Name)]
public sealed class PhoneCallTests : IDisposable
{
    private readonly string _microphoneWav = Path.Combine(Path.GetTempPath(), $"phone-mic-{Guid.NewGuid():N}.wav");

    public void Dispose() => File.Delete(_microphoneWav);

    [Fact]
    public async Task Agent_dials_601_on_the_keypad_hears_the_1004_hz_tone_and_hangs_up_by_click()
    {
        ToneWav.Write(_microphoneWav, 440, 20);
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(
            host, "call-tone.mjs",
            $"--url={host.PhoneUrl}", "--agent=1001", $"--password={host.AgentPassword}", "--number=601",
            $"--wav={_microphoneWav}");

        Assert.Equal("601", result.GetProperty("dialed").GetString());
        Assert.Equal("In call", result.GetProperty("callStateText").GetString());
        Assert.Contains("601", result.GetProperty("remoteParty").GetString(), StringComparison.Ordinal);

        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("toneWindows").GetInt32() >= 5, $"the incoming meter saw no steady tone: {tone}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), 984, 1024);
        // What the agent sees on the meter, not only what the diagnostics say.
        var shown = tone.GetProperty("shown").GetString() ?? "";
        Assert.EndsWith(" Hz", shown, StringComparison.Ordinal);
        Assert.InRange(int.Parse(shown[..^3], CultureInfo.InvariantCulture), 984, 1024);

        var quality = result.GetProperty("quality");
        Assert.Contains("opus", quality.GetProperty("codec").GetString() ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Quality: ", quality.GetProperty("badge").GetString(), StringComparison.Ordinal);
        Assert.Contains("jitter", quality.GetProperty("hover").GetString(), StringComparison.Ordinal);

        var after = result.GetProperty("after");
        Assert.Equal("idle", after.GetProperty("state").GetString());
        Assert.Equal("Ready", after.GetProperty("callStateText").GetString());
        Assert.Equal("Call ended.", after.GetProperty("notice").GetString());
        Assert.True(after.GetProperty("hangupDisabled").GetBoolean());
        Assert.True(after.GetProperty("callEnabled").GetBoolean());
    }
}
