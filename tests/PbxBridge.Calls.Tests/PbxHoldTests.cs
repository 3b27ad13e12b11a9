using PbxBridge.Calls.Tests.Support;

namespace PbxBridge.Calls.Tests;

/// <summary>
/// The PBX's hold reaches the browser as a re-INVITE of ours offering a=sendonly, its resume as sendrecv; and the
/// browser keeps showing the PBX's hold for as long as it lasts, also after the agent's own hold and resume.
/// </summary>
public sealed class PbxHoldTests
{
    [Fact]
    public async Task The_pbx_hold_is_offered_to_the_browser_as_sendonly_and_its_resume_as_sendrecv()
    {
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();

        leg.Request.Observer.OnPbxHold(true);
        Assert.Contains("a=sendonly", await harness.Browser.AnswerReofferAsync("recvonly"), StringComparison.Ordinal);
        leg.Request.Observer.OnPbxHold(false);
        Assert.Contains("a=sendrecv", await harness.Browser.AnswerReofferAsync("sendrecv"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The agent holds and resumes (sendrecv) while the PBX holds, the PBX's hold having come before the agent's or
    /// during it: our answer to the resume says sendrecv, so the PBX's hold is offered again (sendonly) right after.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_agents_resume_while_the_pbx_still_holds_is_followed_by_the_pbx_hold_offered_again(bool pbxHoldsFirst)
    {
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();
        if (pbxHoldsFirst)
        {
            leg.Request.Observer.OnPbxHold(true);
            Assert.Contains("a=sendonly", await harness.Browser.AnswerReofferAsync("recvonly"), StringComparison.Ordinal);
        }

        await harness.Browser.ReinviteAsync(pbxHoldsFirst ? "inactive" : "sendonly");
        Assert.Equal(["hold"], await leg.Requests.WaitForAsync(1));
        if (!pbxHoldsFirst)
        {
            // The agent holds: nothing to offer now (the browser is not listening), but the PBX's hold is kept.
            leg.Request.Observer.OnPbxHold(true);
        }

        var resumeAnswer = await harness.Browser.ReinviteAsync("sendrecv");
        Assert.Equal(["hold", "unhold"], await leg.Requests.WaitForAsync(2));
        Assert.Contains("a=sendrecv", resumeAnswer, StringComparison.Ordinal);

        Assert.Contains("a=sendonly", await harness.Browser.AnswerReofferAsync("recvonly"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The PBX holds, the agent holds too, the PBX resumes during the agent's hold (nothing is offered to a browser
    /// that holds), and the agent resumes as a library that still believes in the remote hold does: recvonly. Our
    /// answer (sendonly) would leave the browser never sending, so the PBX's resume is offered (sendrecv) right after.
    /// </summary>
    [Fact]
    public async Task The_pbx_resuming_during_the_agents_hold_is_offered_once_the_agent_resumes()
    {
        await using var harness = new CallHarness();
        var leg = await harness.AgentCallAnsweredAsync();
        leg.Request.Observer.OnPbxHold(true);
        Assert.Contains("a=sendonly", await harness.Browser.AnswerReofferAsync("recvonly"), StringComparison.Ordinal);
        await harness.Browser.ReinviteAsync("inactive");
        Assert.Equal(["hold"], await leg.Requests.WaitForAsync(1));
        leg.Request.Observer.OnPbxHold(false);

        var resumeAnswer = await harness.Browser.ReinviteAsync("recvonly");
        Assert.Equal(["hold", "unhold"], await leg.Requests.WaitForAsync(2));
        Assert.Contains("a=sendonly", resumeAnswer, StringComparison.Ordinal);

        Assert.Contains("a=sendrecv", await harness.Browser.AnswerReofferAsync("sendrecv"), StringComparison.Ordinal);
    }
}
