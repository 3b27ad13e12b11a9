using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Browser.Tests.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.RealPbx;

/// <summary>
/// JsSIP and SIP.js in headless Chromium, PbxBridge, and a real Asterisk 22 wired only from pbx-config/asterisk's
/// README: tones checked by frequency on both sides, digits both ways, hold with the site's music on hold, the PBX
/// calling agents (with a caller id, withheld, from a queue), agent to agent, restarts and a stolen ARI application.
/// After each scenario neither side keeps a channel, bridge or call.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class RealAsteriskTests(RealAsteriskFixture fixture) : IClassFixture<RealAsteriskFixture>
{
    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Agent_dials_the_milliwatt_and_the_echo_and_hears_each_by_frequency(string library)
    {
        Ready();
        await SharedScenarios.DialToneThenEchoAsync(fixture, library, RealAsterisk.MilliwattHz);
    }

    [SkippableTheory]
    [InlineData("jssip", "lab-caller", "5551234")]
    [InlineData("sipjs", "lab-withheld", "anonymous")]
    [InlineData("jssip", "lab-withheld", "anonymous")]
    public async Task Asterisk_calls_the_agent_who_answers_hears_the_caller_and_the_pbx_hangs_up(string library, string context, string expectedFrom)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        await fixture.Pbx.RxAsync($"channel originate Local/1001@{context} application Milliwatt");
        var incoming = await agent.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        Assert.Equal(expectedFrom, incoming.GetProperty("from").GetString());
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "the caller's Milliwatt");

        await fixture.Pbx.RxAsync("channel request hangup all");
        RealPbxFixture<RealAsterisk>.AssertEnded(await agent.WaitEndAsync(TimeSpan.FromSeconds(15)), agent);
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>
    /// A number the dialplan has no extension for: Asterisk ends the originated channel at once with NOANSWER and
    /// cause 0, never having rung. The agent must read that as 404 (unallocated), as res_pjsip would answer, not 480.
    /// </summary>
    [SkippableFact]
    public async Task An_agent_dialing_a_number_the_dialplan_does_not_have_gets_404()
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");

        var outcome = await agent.CallAsync("4242");

        Assert.Equal("failed", outcome.GetProperty("state").GetString());
        Assert.Equal(404, outcome.GetProperty("status").GetInt32());
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>
    /// Progress()+Playtones before Answer: the far channel is bridged before it is dialed, so the tone is heard before
    /// the 200 OK (183 with SDP); after the answer the Echo returns the agent's own microphone: two-way audio, the
    /// answer did not renegotiate the early media into silence.
    /// </summary>
    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_tone_before_the_answer_progress_is_heard_before_the_200_then_the_echo_both_ways(string library)
    {
        Ready();
        await SharedScenarios.EarlyMediaBeforeTheAnswerAsync(fixture, library, "606", RealAsterisk.EarlyToneHz, RealPbxAgents.MicrophoneHz1001);
    }

    [SkippableFact]
    public async Task The_shipped_queue_delivers_the_caller_to_the_signed_in_agent()
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "sipjs");
        Assert.True(
            await Poll.UntilAsync(async () => (await QueueMemberAsync("1001")).Contains("(Not in use)", StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
            $"queue member 1001 never became free: {await QueueMemberAsync("1001")}");

        await fixture.Pbx.RxAsync("channel originate Local/500@lab-queue application Milliwatt");
        await agent.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "the queue caller's Milliwatt");
        Assert.Contains("(In use)", await QueueMemberAsync("1001"), StringComparison.Ordinal);

        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_queue_caller_answered_by_1001_is_blind_transferred_to_1002_who_hears_it(string transferorLibrary)
    {
        Ready();
        await TransferScenarios.BlindTransferOfAQueueCallerToAnotherAgentAsync(fixture, transferorLibrary, QueueCaller);
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task An_attended_transfer_joins_the_held_caller_with_the_consulted_agent(string transferorLibrary)
    {
        Ready();
        await TransferScenarios.AttendedTransferJoinsTheCallerWithTheConsultedAgentAsync(fixture, transferorLibrary, QueueCaller);
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_blind_transfer_to_a_number_that_does_not_exist_leaves_the_call_up_and_says_404(string library)
    {
        Ready();
        await TransferScenarios.BlindTransferToANumberThatDoesNotExistKeepsTheCallAsync(fixture, library, QueueCaller);
    }

    [SkippableTheory]
    [InlineData(AgentAway.OnACall, "(In use)")]
    [InlineData(AgentAway.SignedOut, "(Unavailable)")]
    [InlineData(AgentAway.PageClosed, "(Unavailable)")]
    public async Task The_queue_rings_only_the_free_agent_when_the_other_is_busy_or_away(AgentAway away, string expected1001)
    {
        Ready();
        await SharedScenarios.QueueRingsOnlyTheFreeAgentAsync(
            fixture,
            away,
            QueueMemberAsync,
            expected1001,
            "(Not in use)",
            () => fixture.Pbx.RxAsync("channel originate Local/500@lab-queue application Milliwatt"),
            RealAsterisk.MilliwattHz);
    }

    [SkippableFact]
    public async Task Agent_calls_agent_through_the_shipped_dialplan_holds_with_music_and_resumes()
    {
        Ready();
        await SharedScenarios.AgentToAgentWithHoldAsync(fixture, RealAsterisk.MusicOnHoldHz);
    }

    /// <summary>
    /// 1002 holds a call from 1001: to 1001 that is the far party's hold. Asterisk reports nothing through the Local
    /// channel, so PbxBridge carries it itself: 1001's library gets PbxBridge's re-INVITE (sendonly) and shows the
    /// remote hold while the site's music on hold plays; the resume re-INVITE (sendrecv) brings both voices back.
    /// </summary>
    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task The_far_agents_hold_is_shown_as_remote_hold_with_music_then_both_voices_return(string library)
    {
        Ready();
        await PbxHoldScenarios.FarAgentsHoldIsShownAsRemoteHoldAsync(fixture, library, RealAsterisk.MusicOnHoldHz);
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task The_far_agents_hold_begun_during_the_agents_own_is_shown_when_the_agent_resumes(string library)
    {
        Ready();
        await PbxHoldScenarios.RemoteHoldDuringTheAgentsOwnHoldIsShownOnResumeAsync(fixture, library, RealAsterisk.MusicOnHoldHz);
    }

    [SkippableTheory]
    [InlineData("jssip")] // SIP INFO application/dtmf-relay
    [InlineData("sipjs")] // RFC 4733 in the SRTP
    public async Task The_agents_keys_reach_the_dialplans_read(string library)
    {
        Ready();
        await fixture.Pbx.RxAsync("dialplan set global LAB_DIGITS none");
        await SharedScenarios.KeysReachTheReadAsync(fixture, library, RealAsterisk.MilliwattHz, async () =>
        {
            var globals = await fixture.Pbx.RxAsync("dialplan show globals");
            var at = globals.IndexOf("LAB_DIGITS=", StringComparison.Ordinal);
            return at < 0 ? string.Empty : globals[(at + 11)..].Split('\n')[0].Trim();
        });
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Digits_the_dialplan_sends_reach_the_browser_as_rfc4733_events(string library)
    {
        Ready();
        await SharedScenarios.DigitsFromThePbxReachTheBrowserAsync(fixture, library);
    }

    [SkippableFact]
    public async Task Twenty_consecutive_calls_into_asterisk_all_connect()
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        for (var i = 1; i <= 20; i++)
        {
            var call = await agent.CallAsync("601");
            Assert.True(call.GetProperty("state").GetString() == "confirmed", $"call {i} of 20: {call}\n{RealPbxFixture<RealAsterisk>.Tail(fixture.Host.Output, 3000)}");
            Assert.True(await agent.WaitSoundAsync(TimeSpan.FromSeconds(15)), $"call {i} of 20 carried no sound");
            await agent.HangupAsync();
        }

        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Asterisk_stopped_or_killed_mid_call_ends_the_call_and_the_next_call_works(bool kill)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        fixture.AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "before the restart");

        await fixture.Pbx.StopAsync(kill);
        await fixture.Pbx.BootAsync();
        RealPbxFixture<RealAsterisk>.AssertEnded(await agent.WaitEndAsync(TimeSpan.FromSeconds(45)), agent);
        await WaitConnectedAsync();

        fixture.AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "after the restart");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableFact]
    public async Task Another_client_taking_the_ari_application_and_leaving_does_not_leave_pbxbridge_deaf()
    {
        Ready();
        using (var thief = new ClientWebSocket())
        {
            var events = new Uri($"ws://127.0.0.1:8088/ari/events?app=pbxbridge&api_key={RealAsterisk.AriUser}:{fixture.Pbx.AriPassword}");
            await thief.ConnectAsync(events, CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await thief.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }

        await WaitConnectedAsync();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "sipjs");
        await fixture.Pbx.RxAsync("channel originate Local/1001@lab-caller application Milliwatt");
        await agent.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "a call after ApplicationReplaced");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_second_call_is_answered_with_the_first_on_hold_which_hears_music_then_resumes(string library)
    {
        Ready();
        await CallWaitingScenarios.SecondCallAnsweredWithTheFirstOnHoldThenResumedAsync(fixture, library, SecondCaller);
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_second_call_declined_with_486_leaves_the_first_up(string library)
    {
        Ready();
        await CallWaitingScenarios.SecondCallDeclinedWithBusyWhileInACallAsync(fixture, library, SecondCaller);
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_third_call_beyond_the_agent_limit_is_refused(string library)
    {
        Ready();
        await CallWaitingScenarios.ThirdCallBeyondTheAgentLimitIsRefusedAsync(fixture, library, SecondCaller);
    }

    /// <summary>Asterisk calls 1001 from the lab's caller context, playing Milliwatt.</summary>
    private CallWaitingScenarios.PbxCaller SecondCaller => new(
        () => fixture.Pbx.RxAsync("channel originate Local/1001@lab-caller application Milliwatt"),
        RealAsterisk.MilliwattHz,
        RealAsterisk.MusicOnHoldHz);

    /// <summary>A caller into the shipped queue (pbxbridge-support, agents 1001 and 1002), once Asterisk sees 1001 free.
    /// The recording one is heard through an ARI snoop on its Local channel (the build has no MixMonitor or Record),
    /// whose application is closed again at clean-up.</summary>
    private TransferScenarios.QueueCaller QueueCaller => new(
        () => CallTheQueueWhen1001IsFreeAsync("Milliwatt"),
        RealAsterisk.MilliwattHz,
        async () =>
        {
            if (_heard is not null)
            {
                await _heard.DisposeAsync();
                _heard = null;
            }
        },
        "4999")
    {
        StartRecordingAsync = async () =>
        {
            _heard = await AsteriskHeardRecording.ConnectAsync(fixture.Pbx);
            await CallTheQueueWhen1001IsFreeAsync("Milliwatt");
            return await _heard.RecordWhatItHearsAsync("Local/500@lab-queue-", ";1");
        },
    };

    private AsteriskHeardRecording? _heard;

    private async Task CallTheQueueWhen1001IsFreeAsync(string application)
    {
        Assert.True(
            await Poll.UntilAsync(async () => (await QueueMemberAsync("1001")).Contains("(Not in use)", StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
            $"queue member 1001 never became free: {await QueueMemberAsync("1001")}");
        await fixture.Pbx.RxAsync($"channel originate Local/500@lab-queue application {application}");
    }

    /// <summary>The member line of agent <paramref name="agent"/> in <c>queue show pbxbridge-support</c>: "Agent 1001 (Local/... from
    /// Stasis:pbxbridge-1001) (ringinuse disabled) (In use) ...".</summary>
    private async Task<string> QueueMemberAsync(string agent)
    {
        // The CLI colours the status ("(\e[1;32;40mIn use\e[0m)"): without the escapes it reads "(In use)".
        var output = AnsiEscape().Replace(await fixture.Pbx.RxAsync("queue show pbxbridge-support"), string.Empty);
        return output.Split('\n').FirstOrDefault(l => l.Contains("Agent " + agent, StringComparison.Ordinal))?.Trim() ?? "(not a member)";
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    /// <summary>
    /// Issue 23: Wi-Fi to 4G mid-call. Chromium's namespace changes address, its WebSocket is aborted, the library
    /// reconnects, registers and re-INVITEs with an ICE restart; the echo goes on, and Asterisk keeps the very same
    /// channels (no new channel, nothing torn down: externalMedia has no SIP to re-INVITE, and PbxBridge sends it nothing).
    /// </summary>
    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_call_to_the_echo_survives_the_agent_changing_network_and_asterisk_keeps_its_channels(string library)
    {
        Ready();
        await using var network = await BrowserNetwork.CreateAsync();
        await fixture.ReplaceHostAsync("--Http:ListenAddress=0.0.0.0", $"--Media:PublicAddress={network.HostAddress}");
        try
        {
            await WaitConnectedAsync();
            await using var agent = await AgentBrowser.LaunchAsync(library, RealPbxAgents.MicrophoneHz1001, network.Name);
            await agent.RegisterAsync(new Uri($"https://{network.HostAddress}:{fixture.Host.Port}/"), "1001", RealPbxAgents.Password);
            fixture.AssertConfirmed(await agent.CallAsync("600"), agent);
            await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600's echo before the network change");
            var channelsBefore = await ChannelNamesAsync();
            Assert.NotEmpty(channelsBefore);

            var recovered = await agent.NetworkChangeAsync(network.BrowserAddress, $"10.{network.Subnet}.0.3");

            Assert.Equal("renegotiated", recovered.GetProperty("state").GetString());
            await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600's echo after the network change");
            Assert.Equal(channelsBefore, await ChannelNamesAsync());
            var metrics = await fixture.Host.Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
            Assert.Equal(1, PrometheusText.Value(metrics, "pbxbridge_sip_reconnects_survived_total"));
            await agent.HangupAsync();
            await fixture.AssertNothingLeftAsync();
        }
        finally
        {
            await fixture.RestoreHostAsync();
        }
    }

    private async Task<string[]> ChannelNamesAsync() =>
        [.. (await fixture.Pbx.RxAsync("core show channels concise"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('!')[0])
            .Order(StringComparer.Ordinal)];

    private void Ready() => Skip.If(fixture.SkipReason is not null, fixture.SkipReason);

    /// <summary>/healthz says the PBX is connected and ARI lists our application with a live WebSocket.</summary>
    private async Task WaitConnectedAsync()
    {
        var ok = await fixture.WaitPbxConnectedAsync(TimeSpan.FromSeconds(45))
            && await Poll.UntilAsync(async () => (await fixture.Pbx.RxAsync("ari show apps")).Contains("pbxbridge", StringComparison.Ordinal), TimeSpan.FromSeconds(45));
        Assert.True(ok, $"PbxBridge never came back to Asterisk:\n{await fixture.Pbx.RxAsync("ari show apps")}\n{RealPbxFixture<RealAsterisk>.Tail(fixture.Host.Output)}");
    }
}
