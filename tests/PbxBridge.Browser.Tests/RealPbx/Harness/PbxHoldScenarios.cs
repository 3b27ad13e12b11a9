using System.Text.Json;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// The PBX side holding the agent, carried to the browser as PbxBridge's own re-INVITE (a=sendonly, then sendrecv):
/// the library answers it and shows the remote hold, and after the unhold the audio flows both ways again.
/// </summary>
public static class PbxHoldScenarios
{
    private static readonly TimeSpan HoldShown = TimeSpan.FromSeconds(15);

    /// <summary>1001 calls 1002 through the shipped dialplan and 1002 answers: the start of both agent-to-agent scenarios.</summary>
    private static async Task AliceCallsBobAsync<TPbx>(RealPbxFixture<TPbx> fixture, AgentBrowser alice, AgentBrowser bob)
        where TPbx : class, IRealPbx<TPbx>
    {
        var calling = alice.CallAsync("1002");
        await bob.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await bob.AnswerAsync();
        fixture.AssertConfirmed(await calling, alice);
    }

    /// <summary>
    /// The agent (<paramref name="library"/>) dials 600 (echo); the PBX holds the agent's own leg
    /// (<paramref name="holdLeg"/>, e.g. FreeSWITCH's uuid_hold) and the library shows the remote hold; the PBX takes
    /// it off hold (<paramref name="unholdLeg"/>), the library shows that too, and the echo returns the agent's
    /// microphone again.
    /// </summary>
    public static async Task PbxHoldsTheAgentsLegAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, Func<Task> holdLeg, Func<Task> unholdLeg)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(holdLeg);
        ArgumentNullException.ThrowIfNull(unholdLeg);
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
        fixture.AssertConfirmed(await agent.CallAsync("600"), agent);
        await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600's echo before the hold");

        await holdLeg();
        AssertRemoteHold(await agent.RemoteHoldAsync(true, HoldShown), true, library, fixture);

        await unholdLeg();
        AssertRemoteHold(await agent.RemoteHoldAsync(false, HoldShown), false, library, fixture);
        await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600's echo after the PBX's unhold");

        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>
    /// Agent 1001 (<paramref name="library"/>) calls agent 1002 (the other library) through the shipped dialplan; 1002
    /// holds, which to 1001 is the far party's hold: 1001's library shows the remote hold and hears the site's hold
    /// music; 1002 resumes, 1001's library shows that, and each hears the other's microphone again.
    /// </summary>
    public static async Task FarAgentsHoldIsShownAsRemoteHoldAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, double holdMusicHz)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
        await using var bob = await RealPbxAgents.SignInAsync(fixture.Host, "1002", RealPbxAgents.OtherLibrary(library));
        await AliceCallsBobAsync(fixture, alice, bob);
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1002, "Bob before the hold");

        await bob.HoldAsync();
        AssertRemoteHold(await alice.RemoteHoldAsync(true, HoldShown), true, library, fixture);
        await alice.AssertHearsAsync(holdMusicHz, "the hold music while Bob holds");

        await bob.UnholdAsync();
        AssertRemoteHold(await alice.RemoteHoldAsync(false, HoldShown), false, library, fixture);
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1002, "Bob after he resumed");
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice after Bob resumed");

        await bob.HangupAsync();
        RealPbxFixture<TPbx>.AssertEnded(await alice.WaitEndAsync(TimeSpan.FromSeconds(15)), alice);
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>
    /// Agent 1001 (<paramref name="library"/>) calls agent 1002 and holds; 1002 holds too meanwhile (nothing is shown to
    /// a browser that holds), then 1001 resumes while 1002 still holds. Neither library knows of 1002's hold, so each
    /// resumes with sendrecv and PbxBridge's answer says sendrecv: PbxBridge then offers the PBX's hold again, and
    /// 1001's library shows the remote hold and hears the hold music. 1002, whose library still believes in 1001's
    /// hold, resumes with recvonly: PbxBridge offers sendrecv after it, and both talk again.
    /// </summary>
    public static async Task RemoteHoldDuringTheAgentsOwnHoldIsShownOnResumeAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, double holdMusicHz)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
        await using var bob = await RealPbxAgents.SignInAsync(fixture.Host, "1002", RealPbxAgents.OtherLibrary(library));
        await AliceCallsBobAsync(fixture, alice, bob);
        await alice.HoldAsync();
        // Bob's library is shown Alice's hold first: a hold of his own while our re-INVITE is under way is refused
        // by SIP.js ("There is an ongoing re-INVITE server transaction").
        AssertRemoteHold(await bob.RemoteHoldAsync(true, HoldShown), true, bob.Library, fixture);
        await bob.HoldAsync();

        await alice.UnholdAsync();
        AssertRemoteHold(await alice.RemoteHoldAsync(true, HoldShown), true, library, fixture);
        await alice.AssertHearsAsync(holdMusicHz, "the hold music: Bob still holds after Alice resumed");

        await bob.UnholdAsync();
        AssertRemoteHold(await alice.RemoteHoldAsync(false, HoldShown), false, library, fixture);
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1002, "Bob after he resumed");
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice after Bob resumed");

        await bob.HangupAsync();
        RealPbxFixture<TPbx>.AssertEnded(await alice.WaitEndAsync(TimeSpan.FromSeconds(15)), alice);
        await fixture.AssertNothingLeftAsync();
    }

    private static void AssertRemoteHold<TPbx>(JsonElement shown, bool held, string library, RealPbxFixture<TPbx> fixture)
        where TPbx : class, IRealPbx<TPbx>
    {
        Assert.True(
            shown.GetProperty("held").GetBoolean() == held,
            $"{library} never showed the remote {(held ? "hold" : "resume")}: {shown}\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output, 3000)}");
        if (library == "jssip")
        {
            // JsSIP says so with its 'hold' / 'unhold' events, originator remote.
            Assert.Equal(held ? "hold" : "unhold", shown.GetProperty("events").EnumerateArray().Last().GetString());
        }
    }
}
