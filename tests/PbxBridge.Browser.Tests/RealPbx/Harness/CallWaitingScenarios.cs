namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// Call waiting, the same on both PBXs, with JsSIP or SIP.js as agent 1001: a second call while 1001 is in a call
/// rings the browser; 1001 answers it with the first on hold (the held far party hears what the PBX plays it), talks,
/// ends it and resumes the first; or declines it with 486 and goes on; and beyond <c>Limits:MaxCallsPerAgent</c> the
/// PBX's call is refused as busy without ringing the browser, the agent's own call with 503. Nothing is left after.
/// </summary>
public static class CallWaitingScenarios
{
    /// <summary>How the site calls agent 1001 from the PBX side (a caller playing <see cref="CallerHz"/>), and what the
    /// far party of 1001's held call hears: the site's hold music, or (null) silence.</summary>
    public sealed record PbxCaller(Func<Task> CallAgent1001Async, double CallerHz, double? HoldMusicHz);

    /// <summary>
    /// 1002 calls 1001 through the dialplan; they hear each other. The PBX calls 1001 again: the browser rings; 1001
    /// holds 1002 (who hears the site's hold music), answers, hears the second caller, hangs it up, resumes 1002, and both
    /// hear each other again; 1002 hangs up and 1001's call ends.
    /// </summary>
    public static async Task SecondCallAnsweredWithTheFirstOnHoldThenResumedAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, PbxCaller caller)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(caller);
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
        await using var bob = await RealPbxAgents.SignInAsync(fixture.Host, "1002", RealPbxAgents.OtherLibrary(library));

        var calling = bob.CallAsync("1001");
        await alice.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await alice.AnswerAsync();
        fixture.AssertConfirmed(await calling, bob);
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1002, "Bob on the first call");
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice on the first call");

        await caller.CallAgent1001Async();
        await alice.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        Assert.Equal(2, await alice.CallCountAsync());
        await alice.FocusAsync(0);
        await alice.HoldAsync();
        if (caller.HoldMusicHz is { } music)
        {
            await bob.AssertHearsAsync(music, "the hold music while Alice takes the second call");
        }
        else
        {
            await bob.AssertSilentAsync("Alice is not heard while she holds him");
        }

        await alice.AnswerAsync();
        await alice.FocusAsync(1);
        await alice.AssertHearsAsync(caller.CallerHz, "the second caller");

        await alice.HangupAsync();
        Assert.Equal(1, await alice.CallCountAsync());
        await alice.UnholdAsync();
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1002, "Bob again after the resume");
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice again after the resume");

        await bob.HangupAsync();
        RealPbxFixture<TPbx>.AssertEnded(await alice.WaitEndAsync(TimeSpan.FromSeconds(15)), alice);
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>1001 talks to the echo; the PBX calls 1001, who declines with 486: the echo goes on, the PBX's call is gone.</summary>
    public static async Task SecondCallDeclinedWithBusyWhileInACallAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, PbxCaller caller)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(caller);
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
        fixture.AssertConfirmed(await alice.CallAsync("600"), alice);
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600's echo");

        var mark = fixture.Host.Output.Length;
        await caller.CallAgent1001Async();
        await alice.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await alice.RejectAsync(486);
        Assert.True(
            await Poll.UntilAsync(() => Task.FromResult(fixture.Host.Output[mark..].Contains("agent rejected with 486 Busy Here", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)),
            $"{library}: PbxBridge never saw the 486:\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output[mark..], 3000)}");
        Assert.True(await Poll.UntilAsync(async () => await alice.CallCountAsync() == 1, TimeSpan.FromSeconds(10)), $"{library}: the declined call is still up");
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600's echo after declining the second call");

        await alice.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>
    /// With <c>Limits:MaxCallsPerAgent=2</c>: 1001 talks to the echo, answers the PBX's call with the echo held; the
    /// PBX's next call is refused as busy (the browser never rings, PbxBridge says why) and 1001's own third call gets
    /// 503 Too Many Calls For This Agent. Both calls then end.
    /// </summary>
    public static async Task ThirdCallBeyondTheAgentLimitIsRefusedAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, PbxCaller caller)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(caller);
        await fixture.ReplaceHostAsync("--Limits:MaxCallsPerAgent=2");
        try
        {
            Assert.True(await fixture.WaitPbxConnectedAsync(TimeSpan.FromSeconds(45)), $"PbxBridge never connected to the PBX:\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output)}");
            await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
            fixture.AssertConfirmed(await alice.CallAsync("600"), alice);
            await caller.CallAgent1001Async();
            await alice.WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await alice.FocusAsync(0);
            await alice.HoldAsync();
            await alice.AnswerAsync();
            await alice.FocusAsync(1);
            await alice.AssertHearsAsync(caller.CallerHz, "the second caller");

            var mark = fixture.Host.Output.Length;
            await caller.CallAgent1001Async();
            var error = await Assert.ThrowsAnyAsync<Exception>(() => alice.WaitIncomingAsync(TimeSpan.FromSeconds(4)));
            Assert.Contains("no incoming call", error.Message, StringComparison.Ordinal);
            Assert.Contains("agent 1001 already has 2 calls: refusing the PBX's call", fixture.Host.Output[mark..], StringComparison.Ordinal);

            var own = await alice.CallAsync("601");
            Assert.True(own.GetProperty("state").GetString() == "failed" && own.GetProperty("status").GetInt32() == 503, $"{library}: a third call of the agent's own: {own}");
            Assert.Equal(2, await alice.CallCountAsync());

            await alice.FocusAsync(1);
            await alice.HangupAsync();
            await alice.FocusAsync(0);
            await alice.HangupAsync();
            await fixture.AssertNothingLeftAsync();
        }
        finally
        {
            await fixture.RestoreHostAsync();
        }
    }
}
