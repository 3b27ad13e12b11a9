using PbxBridge.Calls.Tests.Support;

namespace PbxBridge.Calls.Tests;

/// <summary>
/// An agent's hold is a re-INVITE offering a=sendonly (JsSIP's and SIP.js's hold(); inactive when the far end held
/// first); resume offers sendrecv again. The browser's offered direction decides, and the PBX leg must be asked to
/// hold and resume, so the far party hears music on hold: on calls the agent placed and on calls it received.
/// </summary>
public sealed class HoldTests
{
    [Theory]
    [InlineData("sendonly")]
    [InlineData("inactive")]
    public async Task An_agent_placed_call_held_and_resumed_by_the_browser_holds_and_resumes_the_pbx_leg(string holdDirection)
    {
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();

        var holdAnswer = await harness.Browser.ReinviteAsync(holdDirection);
        Assert.Equal(["hold"], await leg.Requests.WaitForAsync(1));
        var resumeAnswer = await harness.Browser.ReinviteAsync("sendrecv");

        Assert.Equal(["hold", "unhold"], await leg.Requests.WaitForAsync(2));
        Assert.Contains(holdDirection == "sendonly" ? "a=recvonly" : "a=inactive", holdAnswer, StringComparison.Ordinal);
        Assert.Contains("a=sendrecv", resumeAnswer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_the_agent_received_held_and_resumed_by_the_browser_holds_and_resumes_the_pbx_leg()
    {
        await using var harness = new CallHarness();
        var pbxCall = await harness.PbxCallAnsweredAsync();

        await harness.Browser.ReinviteAsync("sendonly");
        Assert.Equal(["answer", "hold"], await pbxCall.Requests.WaitForAsync(2));
        await harness.Browser.ReinviteAsync("sendrecv");

        Assert.Equal(["answer", "hold", "unhold"], await pbxCall.Requests.WaitForAsync(3));
    }

    [Fact]
    public async Task A_reoffer_that_changes_nothing_asks_nothing_of_the_pbx()
    {
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();

        // A session refresh or an ICE restart re-offers sendrecv: no hold state changes, nothing goes to the PBX.
        await harness.Browser.ReinviteAsync("sendrecv");
        await harness.Browser.ReinviteAsync("recvonly");
        await Task.Delay(200);

        Assert.Empty(leg.Requests.All);
    }

    [Fact]
    public async Task A_legacy_hold_with_connection_address_0_0_0_0_holds_and_a_real_address_resumes()
    {
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();

        // RFC 2543 hold as older SIP phones send it: c=IN IP4 0.0.0.0, no direction attribute changed (still sendrecv).
        var legacyHold = BrowserSipPhone.ChromiumOffer.Replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0", StringComparison.Ordinal);
        Assert.NotEqual(BrowserSipPhone.ChromiumOffer, legacyHold);
        var holdAnswer = await harness.Browser.ReinviteWithAsync(legacyHold);
        Assert.Equal(["hold"], await leg.Requests.WaitForAsync(1));
        await harness.Browser.ReinviteAsync("sendrecv");

        Assert.Equal(["hold", "unhold"], await leg.Requests.WaitForAsync(2));
        Assert.Contains("a=recvonly", holdAnswer, StringComparison.Ordinal);
    }
}
