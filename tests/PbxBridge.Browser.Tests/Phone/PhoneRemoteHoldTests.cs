using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

/// <summary>
/// A hold from the far side on the /phone page, by clicks against the demo PBX: 1001 calls agent 1002 (each in its own
/// Chromium, microphones 700 Hz and 900 Hz); 1002's Hold reaches 1001 as the PBX holding its call (PbxBridge's
/// re-INVITE a=sendonly), and 1001's page shows "Held by the other party" while its own Hold stays unpressed; 1002's
/// Resume brings back "In call" and both voices.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneRemoteHoldTests : IDisposable
{
    private readonly TwoAgentMicrophones _microphones = new();

    public void Dispose() => _microphones.Dispose();

    [Fact]
    public async Task The_other_agents_hold_is_shown_as_held_by_the_other_party_and_the_resume_as_in_call()
    {
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(
            host, "remote-hold.mjs",
            [$"--url={host.PhoneUrl}", $"--password={host.AgentPassword}", .. _microphones.Arguments]);

        Assert.Equal("In call", result.GetProperty("before").GetProperty("callStateText").GetString());
        Assert.InRange(PhoneTransferTests.Hz(result, "aliceHearsBob"), 880, 920);
        Assert.Equal("On hold", result.GetProperty("bobHeld").GetProperty("callStateText").GetString());

        var held = result.GetProperty("heldByBob");
        Assert.Equal("Held by the other party", held.GetProperty("callStateText").GetString());
        Assert.True(held.GetProperty("remoteHeld").GetBoolean(), $"1001's page never took the far side's hold: {held}");
        Assert.False(held.GetProperty("held").GetBoolean(), "1001 did not hold, the other party did");
        Assert.Equal("Hold", held.GetProperty("holdButton").GetString());
        Assert.Equal("false", held.GetProperty("holdPressed").GetString());
        Assert.Equal("in-call", held.GetProperty("state").GetString());

        var resumed = result.GetProperty("resumedByBob");
        Assert.Equal("In call", resumed.GetProperty("callStateText").GetString());
        Assert.False(resumed.GetProperty("remoteHeld").GetBoolean(), $"1001's page still shows the far side's hold: {resumed}");
        Assert.InRange(PhoneTransferTests.Hz(result, "aliceHearsBobAgain"), 880, 920);
        Assert.InRange(PhoneTransferTests.Hz(result, "bobHearsAliceAgain"), 680, 720);

        Assert.Equal("idle", result.GetProperty("alice").GetProperty("state").GetString());
        Assert.Empty(result.GetProperty("pageErrors").EnumerateArray()); // no script error on either page
        await PhoneTransferTests.AssertNoCallLeftAsync(host);
    }
}
