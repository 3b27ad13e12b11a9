using PbxBridge.Calls.Pbx;
using PbxBridge.Calls.Tests.Support;
using PbxBridge.Sip.Message;

namespace PbxBridge.Calls.Tests;

/// <summary>
/// The agent's REFER (RFC 3515) inside a call: 202, NOTIFY "100 Trying" at once, the PBX leg asked to transfer, then
/// the outcome as the final NOTIFY (Event: refer;id=CSeq, Subscription-State terminated). Success ends the agent's leg
/// (its BYE, or ours after a grace); a failed target leaves the call up and says why.
/// </summary>
public sealed class TransferTests
{
    [Fact]
    public async Task A_blind_transfer_of_a_received_call_notifies_100_then_200_and_the_agents_leg_ends()
    {
        Call.TransferorByeGrace = TimeSpan.FromSeconds(1);
        await using var harness = new CallHarness();
        var pbxCall = await harness.PbxCallAnsweredAsync();

        var accepted = await harness.Browser.ReferAsync("<sip:1002@pbxbridge.invalid>");
        var trying = await harness.Browser.WaitNotifyAsync(100);
        var done = await harness.Browser.WaitNotifyAsync(200);

        Assert.Equal(202, accepted.StatusCode);

        // The far party belongs to the target now: PbxBridge releases its side of the PBX leg at once.
        Assert.Equal(["answer", "transfer 1002", "hangup"], await pbxCall.Requests.WaitForAsync(3));
        var referId = "refer;id=" + accepted.CSeq!.Value.Number;
        Assert.Equal(referId, trying.Headers.Get(SipHeaderNames.Event));
        Assert.StartsWith("active;expires=", trying.Headers.Get(SipHeaderNames.SubscriptionState), StringComparison.Ordinal);
        Assert.Equal("message/sipfrag;version=2.0", trying.ContentType);
        Assert.Equal(referId, done.Headers.Get(SipHeaderNames.Event));
        Assert.Equal("terminated;reason=noresource", done.Headers.Get(SipHeaderNames.SubscriptionState));
        Assert.Equal("SIP/2.0 200 OK\r\n", done.BodyText);

        // The agent's softphone did not hang up: PbxBridge does, after the grace.
        await harness.Browser.WaitByeAsync();
    }

    [Fact]
    public async Task A_blind_transfer_to_a_busy_target_notifies_486_and_the_call_stays_up()
    {
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();
        leg.TransferFailure = PbxCause.UserBusy;

        Assert.Equal(202, (await harness.Browser.ReferAsync("<sip:603@pbxbridge.invalid>")).StatusCode);
        await harness.Browser.WaitNotifyAsync(100);
        var failed = await harness.Browser.WaitNotifyAsync(486);

        Assert.Equal("SIP/2.0 486 Busy Here\r\n", failed.BodyText);
        Assert.Equal("terminated;reason=noresource", failed.Headers.Get(SipHeaderNames.SubscriptionState));
        Assert.Equal(["transfer 603"], await leg.Requests.WaitForAsync(1));
        Assert.Equal(CallState.Answered, Assert.Single(harness.Manager.Calls).State);

        // Still a working call: the agent can hold it.
        await harness.Browser.ReinviteAsync("sendonly");
        Assert.Equal(["transfer 603", "hold"], await leg.Requests.WaitForAsync(2));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<sip:1002@pbxbridge.invalid>|<sip:1003@pbxbridge.invalid>")]
    [InlineData("<sip:1002@pbxbridge.invalid?Replaces=only-a-call-id>")]
    public async Task A_refer_without_exactly_one_good_refer_to_gets_400_and_changes_nothing(string referToLines)
    {
        var referTo = referToLines.Split('|', StringSplitOptions.RemoveEmptyEntries);
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();

        Assert.Equal(400, (await harness.Browser.ReferAsync(referTo)).StatusCode);
        await Task.Delay(100);
        Assert.Empty(leg.Requests.All);
        Assert.Equal(CallState.Answered, Assert.Single(harness.Manager.Calls).State);
    }

    [Fact]
    public async Task An_attended_transfer_naming_no_call_of_the_agent_notifies_481()
    {
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();

        Assert.Equal(202, (await harness.Browser.ReferAsync("<sip:1002@pbxbridge.invalid?Replaces=nosuchcall%3Bto-tag%3Da%3Bfrom-tag%3Db>")).StatusCode);
        await harness.Browser.WaitNotifyAsync(481);

        Assert.Empty(leg.Requests.All);
        Assert.Equal(CallState.Answered, Assert.Single(harness.Manager.Calls).State);
    }
}
