using PbxBridge.Calls.Pbx;
using PbxBridge.Calls.Tests.Support;
using PbxBridge.Sip.Message;

namespace PbxBridge.Calls.Tests;

/// <summary>Decisions of a call an agent places (Call.FromAgent): what the browser is told when the PBX side fails
/// or the agent gives up first, and the limits on how many calls may be up.</summary>
public sealed class AgentCallTests
{
    [Fact]
    public async Task The_agent_cancelling_while_the_pbx_is_still_placing_the_call_ends_both_legs()
    {
        await using var harness = new CallHarness();
        harness.Pbx.Placing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await harness.Browser.RegisterAsync();
        await harness.Browser.DialAsync("2000");
        var leg = await harness.Pbx.WaitForLegAsync();

        var cancelled = await harness.Browser.CancelAsync();
        var rejected = await harness.Browser.WaitRejectedAsync();
        harness.Pbx.Placing.TrySetResult();

        Assert.Equal(200, cancelled.StatusCode);
        Assert.Equal(487, rejected.StatusCode);
        var call = Assert.Single(harness.Manager.Calls);
        await call.Ended.WaitAsync(TimeSpan.FromSeconds(5));

        // Either the PBX is told to stop placing, or the leg it placed meanwhile is hung up: nothing stays up there.
        var requests = await leg.Requests.WaitForAsync(1);
        Assert.True(harness.Pbx.PlacingCancelled || requests.SequenceEqual(["hangup"]), string.Join(", ", requests));
    }

    [Theory]
    [InlineData(17, 486)]
    [InlineData(1, 404)]
    [InlineData(34, 503)]
    public async Task The_pbx_hanging_up_before_answer_rejects_the_agents_invite_with_the_mapped_status(int q850, int status)
    {
        await using var harness = new CallHarness();
        await harness.Browser.RegisterAsync();
        await harness.Browser.DialAsync("2000");
        var leg = await harness.Pbx.WaitForLegAsync();

        leg.Request.Observer.OnRinging();
        leg.Request.Observer.OnHangup(new PbxCause(q850, "TEST"));

        var rejected = await harness.Browser.WaitRejectedAsync();
        Assert.Equal(status, rejected.StatusCode);
        Assert.Contains($"cause={q850}", rejected.Headers.Get("Reason") ?? "", StringComparison.Ordinal);
        await Assert.Single(harness.Manager.Calls).Ended.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_agent_over_its_call_limit_gets_503_with_retry_after_and_the_pbx_is_not_asked()
    {
        await using var harness = new CallHarness(limits: new CallLimits(MaxCalls: 10, MaxCallsPerAgent: 1, RetryAfter: TimeSpan.FromSeconds(30)));
        await harness.AgentCallAnsweredAsync();

        await harness.Browser.DialAsync("2001");
        var refused = await harness.Browser.WaitRejectedAsync();

        Assert.Equal(503, refused.StatusCode);
        Assert.Equal(LimitReasonPhrases.TooManyCallsForAgent, refused.ReasonPhrase);
        Assert.Equal("30", refused.Headers.Get("Retry-After"));
        Assert.Single(harness.Manager.Calls);
    }

    [Fact]
    public async Task A_call_over_the_total_limit_gets_503_with_retry_after()
    {
        await using var harness = new CallHarness(limits: new CallLimits(MaxCalls: 1, MaxCallsPerAgent: 4, RetryAfter: TimeSpan.FromSeconds(20)));
        await harness.AgentCallAnsweredAsync();

        await harness.Browser.DialAsync("2001");
        var refused = await harness.Browser.WaitRejectedAsync();

        Assert.Equal(503, refused.StatusCode);
        Assert.Equal("20", refused.Headers.Get("Retry-After"));
        Assert.Equal(LimitReasonPhrases.TooManyCalls, refused.ReasonPhrase);
        Assert.Single(harness.Manager.Calls);
    }
}
