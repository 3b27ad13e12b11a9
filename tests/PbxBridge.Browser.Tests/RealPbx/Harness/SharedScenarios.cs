namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// The scenarios both PBXs go through alike; only the site's numbers, tones and the way to read what the PBX got
/// differ. The lab dialplans of both give: 600 echo, 601 a tone, 603 sends 1234 toward the caller, 604 reads four keys.
/// </summary>
public static class SharedScenarios
{
    /// <summary>The agent hears 601's tone (Opus toward the browser), then its own microphone back from 600.</summary>
    public static async Task DialToneThenEchoAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, double toneHz)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        fixture.AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(toneHz, "601's tone");
        Assert.Equal("audio/opus", (await agent.SendAsync("stats")).GetProperty("codec").GetString());
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();

        fixture.AssertConfirmed(await agent.CallAsync("600"), agent);
        await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600's echo: the agent's own microphone");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>
    /// Alice (JsSIP) dials Bob's id (SIP.js) through the shipped dialplan; each hears the other; Alice holds and Bob
    /// hears the site's hold music; she resumes and Bob hears her again; Bob hangs up and Alice's call ends.
    /// </summary>
    public static async Task AgentToAgentWithHoldAsync<TPbx>(RealPbxFixture<TPbx> fixture, double holdMusicHz)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        await using var bob = await RealPbxAgents.SignInAsync(fixture.Host, "1002", "sipjs");

        var calling = alice.CallAsync("1002");
        var incoming = await bob.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        Assert.Equal("1001", incoming.GetProperty("from").GetString());
        await bob.AnswerAsync();
        fixture.AssertConfirmed(await calling, alice);
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice's voice");
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1002, "Bob's voice");

        await alice.HoldAsync();
        await bob.AssertHearsAsync(holdMusicHz, "the hold music while Alice holds");
        await alice.UnholdAsync();
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice again after she resumed");

        await bob.HangupAsync();
        RealPbxFixture<TPbx>.AssertEnded(await alice.WaitEndAsync(TimeSpan.FromSeconds(15)), alice);
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>The agent dials 604 and keys 1234; <paramref name="digitsReadByPbx"/> reads what the PBX's read got.</summary>
    public static async Task KeysReachTheReadAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, double toneHz, Func<Task<string>> digitsReadByPbx)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(digitsReadByPbx);
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        fixture.AssertConfirmed(await agent.CallAsync("604"), agent);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await agent.DtmfAsync("1234");
        Assert.True(
            await Poll.UntilAsync(async () => await digitsReadByPbx() == "1234", TimeSpan.FromSeconds(10)),
            $"{library}: the PBX read '{await digitsReadByPbx()}', the agent keyed 1234");
        await agent.AssertHearsAsync(toneHz, "604's tone after the keys");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>
    /// The agent dials 603, where the PBX sends 1234 toward the caller: four RFC 4733 events must leave PbxBridge for
    /// the browser (seen on the loopback wire: WebRTC never shows received events to the page), then 603's echo.
    /// </summary>
    public static async Task DigitsFromThePbxReachTheBrowserAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
        using var wire = new LoopbackRtpCapture(40000, 40999);

        fixture.AssertConfirmed(await agent.CallAsync("603"), agent);
        // Chromium offers telephone-event/48000 as 110 and /8000 as 126; PbxBridge answers with the one matching Opus' clock.
        Assert.True(
            await Poll.UntilAsync(() => Task.FromResult(wire.EventsOfPayloadType(110) + wire.EventsOfPayloadType(126) >= 4), TimeSpan.FromSeconds(10)),
            $"{library}: the PBX sent 1234, toward the browser went: {wire.Summary()}\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output, 2000)}");
        Assert.Equal(4, wire.EventsOfPayloadType(110) + wire.EventsOfPayloadType(126));
        await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "603's echo after the digits");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>
    /// The site's queue (PbxBridge's shipped example: agents 1001 and 1002) while 1001 cannot take a call, because it
    /// <paramref name="away"/>: the queue rings 1002 only. 1001's browser gets no INVITE and PbxBridge is never even
    /// asked to ring 1001 (with ringall / ring-all, a queue that knows nothing tries both); 1002 answers and hears the
    /// caller. <paramref name="pbxSees"/> reads the PBX's view of an agent; the queue is called only once the PBX shows
    /// 1001 as <paramref name="expected1001"/> and 1002 as <paramref name="expectedFree"/>.
    /// </summary>
    public static async Task QueueRingsOnlyTheFreeAgentAsync<TPbx>(
        RealPbxFixture<TPbx> fixture,
        AgentAway away,
        Func<string, Task<string>> pbxSees,
        string expected1001,
        string expectedFree,
        Func<Task> callTheQueue,
        double callerHz)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(pbxSees);
        ArgumentNullException.ThrowIfNull(callTheQueue);
        var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        await using var bob = await RealPbxAgents.SignInAsync(fixture.Host, "1002", "sipjs");
        try
        {
            switch (away)
            {
                case AgentAway.OnACall:
                    fixture.AssertConfirmed(await alice.CallAsync("601"), alice);
                    break;
                case AgentAway.SignedOut:
                    Assert.Equal("unregistered", (await alice.UnregisterAsync()).GetProperty("state").GetString());
                    break;
                case AgentAway.PageClosed:
                    await alice.DisposeAsync();
                    break;
            }

            var seen = (string.Empty, string.Empty);
            Assert.True(
                await Poll.UntilAsync(
                    async () => (seen = (await pbxSees("1001"), await pbxSees("1002"))) is var (a, b)
                        && a.Contains(expected1001, StringComparison.Ordinal) && b.Contains(expectedFree, StringComparison.Ordinal),
                    TimeSpan.FromSeconds(10)),
                $"{away}: the PBX sees 1001 as '{seen.Item1}' (expected {expected1001}) and 1002 as '{seen.Item2}' (expected {expectedFree})\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output, 3000)}");

            var mark = fixture.Host.Output.Length;
            await callTheQueue();
            await bob.WaitIncomingAsync(RealPbxAgents.RingTimeout);
            await bob.AnswerAsync();
            await bob.AssertHearsAsync(callerHz, "the queue caller");
            if (away == AgentAway.OnACall)
            {
                var error = await Assert.ThrowsAnyAsync<Exception>(() => alice.WaitIncomingAsync(TimeSpan.FromSeconds(2)));
                Assert.Contains("no incoming call", error.Message, StringComparison.Ordinal);
            }

            var since = fixture.Host.Output[mark..];
            Assert.False(
                since.Contains("for agent 1001", StringComparison.Ordinal),
                $"{away}: the queue tried agent 1001:\n{RealPbxFixture<TPbx>.Tail(since, 3000)}");

            await bob.HangupAsync();
            if (away == AgentAway.OnACall)
            {
                await alice.HangupAsync();
            }

            await fixture.AssertNothingLeftAsync();
        }
        finally
        {
            await alice.DisposeAsync();
        }
    }

    /// <summary>
    /// The agent dials a destination that plays <paramref name="earlyHz"/> before answering: the browser gets 183 with
    /// SDP, hears that tone before the 200 OK, then <paramref name="answeredHz"/> after it.
    /// </summary>
    public static async Task EarlyMediaBeforeTheAnswerAsync<TPbx>(RealPbxFixture<TPbx> fixture, string library, string destination, double earlyHz, double answeredHz)
        where TPbx : class, IRealPbx<TPbx>
    {
        ArgumentNullException.ThrowIfNull(fixture);
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        var early = await agent.CallEarlyAsync(destination);
        Assert.True(early.GetProperty("state").GetString() == "early", $"{library}: no provisional response with SDP: {early}\n{RealPbxFixture<TPbx>.Tail(fixture.Host.Output, 3000)}");
        await agent.AssertHearsAsync(earlyHz, $"{destination}'s early media");
        var heardAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var confirmed = await agent.WaitConfirmedAsync();
        fixture.AssertConfirmed(confirmed, agent);
        Assert.True(heardAt < confirmed.GetProperty("at").GetInt64(), $"{library}: the early tone was only heard after the 200 OK");
        await agent.AssertHearsAsync(answeredHz, $"{destination} after the answer");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }
}

/// <summary>Why agent 1001 cannot take a queue call.</summary>
public enum AgentAway
{
    OnACall,
    SignedOut,
    PageClosed,
}
