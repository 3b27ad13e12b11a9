using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

[Collection(BrowserCollection.Name)]
public sealed class PhoneIncomingCallTests
{
    [Fact]
    public async Task Demo_pbx_call_shows_the_banner_is_answered_by_click_and_ends_when_the_pbx_hangs_up()
    {
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(
            host, "incoming-call.mjs",
            $"--url={host.PhoneUrl}", $"--api={host.BaseUri}", "--agent=1001", $"--password={host.AgentPassword}",
            "--from=601");

        var banner = result.GetProperty("banner");
        Assert.Equal("Incoming call", banner.GetProperty("title").GetString());
        Assert.Contains("601", banner.GetProperty("from").GetString(), StringComparison.Ordinal);
        Assert.Equal("incoming", banner.GetProperty("state").GetString());
        Assert.True(banner.GetProperty("answerFocused").GetBoolean(), "the Answer button takes focus so Enter answers");
        Assert.True(result.GetProperty("bannerHiddenInCall").GetBoolean());

        var tone = result.GetProperty("tone");
        Assert.InRange(tone.GetProperty("frequencyHz").GetDouble(), 984, 1024);

        var after = result.GetProperty("after");
        Assert.Equal("idle", after.GetProperty("state").GetString());
        Assert.Equal("The other party hung up.", after.GetProperty("notice").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("lastError").ValueKind);
    }
}
