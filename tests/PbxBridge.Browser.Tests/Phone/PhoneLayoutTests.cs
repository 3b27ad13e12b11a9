using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

[Collection(BrowserCollection.Name)]
public sealed class PhoneLayoutTests
{
    [Fact]
    public async Task Page_fits_360_px_with_every_control_visible_and_named()
    {
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(
            host, "layout.mjs", $"--url={host.PhoneUrl}", "--width=360", "--agent=1001", $"--password={host.AgentPassword}");

        AssertFits(result.GetProperty("login"));
        AssertFits(result.GetProperty("workspace"));
    }

    private static void AssertFits(JsonElement screen)
    {
        Assert.True(screen.GetProperty("scrollWidth").GetInt32() <= 360, $"page scrolls sideways at 360 px: {screen}");
        foreach (var control in screen.GetProperty("controls").EnumerateArray())
        {
            var selector = control.GetProperty("selector").GetString();
            Assert.True(control.GetProperty("present").GetBoolean(), $"{selector} is missing");
            Assert.True(control.GetProperty("visible").GetBoolean(), $"{selector} is not visible");
            Assert.True(control.GetProperty("inside").GetBoolean(), $"{selector} sticks out of the 360 px viewport");
            Assert.False(string.IsNullOrWhiteSpace(control.GetProperty("name").GetString()), $"{selector} has no accessible name");
        }
    }
}
