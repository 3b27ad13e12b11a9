using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Browser.Tests.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.Pbx;

/// <summary>
/// Blind transfer on the built-in demo PBX, with JsSIP and SIP.js in Chromium: the demo's caller (a 1004 Hz tone),
/// answered by 1001, is sent on to agent 1002 with REFER; 1002 hears the tone, 1001's call ends, nothing is left.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DemoTransferTests
{
    private const double DemoToneHz = 1004;

    [Theory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task The_demo_caller_blind_transferred_by_1001_reaches_1002_who_hears_its_tone(string transferorLibrary)
    {
        await using var host = await RealPbxAgents.StartPbxBridgeAsync([]);
        await using var alice = await RealPbxAgents.SignInAsync(host, "1001", transferorLibrary);
        await using var bob = await RealPbxAgents.SignInAsync(host, "1002", transferorLibrary == "jssip" ? "sipjs" : "jssip");

        await host.StartDemoCallAsync("1001");
        await alice.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await alice.AnswerAsync();
        await alice.AssertHearsAsync(DemoToneHz, "the demo caller's tone");

        var referring = alice.ReferAsync("1002");
        await bob.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await bob.AnswerAsync();
        var refer = await referring;
        Assert.True(refer.GetProperty("outcome").GetString() == "accepted", $"{alice.Library}: {refer}\n{host.Output}");
        Assert.False((await alice.WaitEndAsync(TimeSpan.FromSeconds(15))).TryGetProperty("timeout", out _), "1001's call never ended");
        await bob.AssertHearsAsync(DemoToneHz, "the transferred demo caller's tone");

        // A transfer to the demo's busy extension fails with 486 and leaves 1002's call up.
        var busy = await bob.ReferAsync("603");
        Assert.Equal(486, busy.GetProperty("status").GetInt32());
        await bob.AssertHearsAsync(DemoToneHz, "the caller, still there");
        await bob.HangupAsync();
        Assert.True(
            await Poll.UntilAsync(async () => (await host.Http.GetStringAsync(new Uri("api/calls", UriKind.Relative))).Trim() == "[]", TimeSpan.FromSeconds(10)),
            "calls left in PbxBridge");
    }
}
