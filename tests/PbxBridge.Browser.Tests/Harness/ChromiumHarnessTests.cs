namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// The shared launcher and tone probe, checked without PbxBridge: the fake microphone's WAV crosses a real
/// Opus WebRTC connection inside Chromium and is measured at its own frequency.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChromiumHarnessTests : IDisposable
{
    private readonly string _wav = Path.Combine(Path.GetTempPath(), $"harness-{Guid.NewGuid():N}.wav");

    public void Dispose() => File.Delete(_wav);

    [Fact]
    public async Task Fake_microphone_tone_crosses_a_webrtc_loopback_and_is_measured_at_its_frequency()
    {
        ToneWav.Write(_wav, 700, 4);

        var result = await NodeScenario.RunAsync(
            RepoPaths.BrowserScript("phone", "harness-loopback-tone.mjs"), [$"--wav={_wav}"], TimeSpan.FromSeconds(60));

        Assert.Equal("connected", result.GetProperty("state").GetString());
        Assert.Equal("audio/opus", result.GetProperty("codec").GetString());
        var tone = result.GetProperty("tone");
        Assert.True(tone.GetProperty("loudWindows").GetInt32() >= 5, $"too few loud windows: {tone}");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), 690, 710);
    }
}
