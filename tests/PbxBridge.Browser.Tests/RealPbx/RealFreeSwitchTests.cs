using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Browser.Tests.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.RealPbx;

/// <summary>
/// JsSIP and SIP.js in headless Chromium, PbxBridge, and a real FreeSWITCH 1.10 (vanilla configuration) wired only
/// from pbx-config/freeswitch's README: tones by frequency, digits both ways, hold with the site's hold music, the
/// switch calling agents (with a caller id, from mod_callcenter), agent to agent, restarts. Nothing left afterwards.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RealFreeSwitchTests(RealFreeSwitchFixture fixture) : IClassFixture<RealFreeSwitchFixture>
{
    private static readonly string Tone = $"tone_stream://%(10000,0,{RealFreeSwitch.ToneHz});loops=-1";

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Agent_dials_the_tone_and_the_echo_and_hears_each_by_frequency(string library)
    {
        Ready();
        await SharedScenarios.DialToneThenEchoAsync(fixture, library, RealFreeSwitch.ToneHz);
    }

    /// <summary>
    /// A site number an agent dials (601, the tone) goes straight to the site's dialplan: FreeSWITCH does not first
    /// offer it to PbxBridge as agent-601, a doomed call PbxBridge would refuse ("no such agent") and count as started.
    /// The shipped dialplan asks mod_hash's pbxbridge_agents, which PbxBridge fills with its agent ids on connecting.
    /// </summary>
    [SkippableFact]
    public async Task A_site_number_an_agent_dials_is_not_offered_to_PbxBridge_as_an_agent()
    {
        Ready();
        var published = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(10); published != "1" && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            published = (await fixture.Pbx.ApiAsync("hash select/pbxbridge_agents/1002")).Trim();
        }

        Assert.Equal("1", published);
        // fs_cli prints "-ERR no reply" for the empty answer of a key mod_hash does not hold.
        Assert.NotEqual("1", (await fixture.Pbx.ApiAsync("hash select/pbxbridge_agents/601")).Trim());
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        var startedBefore = await CallsStartedAsync();

        fixture.AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "601's tone");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();

        // The agent's own call, and no second one toward "agent 601".
        Assert.Equal(startedBefore + 1, await CallsStartedAsync());
    }

    [SkippableTheory]
    [InlineData("jssip", "origination_caller_id_number=5551234,origination_caller_id_name=Customer", "5551234")]
    [InlineData("sipjs", "origination_caller_id_number=5551234,origination_caller_id_name=Customer", "5551234")]
    // Withheld: the caller's privacy flags, as a trunk's "Privacy: id" sets them; FreeSWITCH sends the leg as anonymous.
    [InlineData("jssip", "origination_caller_id_number=5551234,origination_privacy=hide_name:hide_number", "anonymous")]
    [InlineData("sipjs", "origination_caller_id_number=5551234,origination_privacy=hide_name:hide_number", "anonymous")]
    public async Task FreeSwitch_calls_the_agent_with_a_caller_id_or_withheld_and_hangs_up(string library, string callerVariables, string expectedFrom)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        await fixture.Pbx.ApiAsync($"bgapi originate {{{callerVariables}}}loopback/agent-1001/default &playback({Tone})");
        var incoming = await agent.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        Assert.Equal(expectedFrom, incoming.GetProperty("from").GetString());
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "the caller's tone");

        await fixture.Pbx.ApiAsync("hupall NORMAL_CLEARING");
        RealPbxFixture<RealFreeSwitch>.AssertEnded(await agent.WaitEndAsync(TimeSpan.FromSeconds(15)), agent);
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableFact]
    public async Task The_shipped_mod_callcenter_queue_delivers_the_caller_to_the_signed_in_agent()
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "sipjs");
        Assert.True(
            await Poll.UntilAsync(async () => await CallcenterAgentAsync("1001") == "Available/Waiting", TimeSpan.FromSeconds(10)),
            $"PbxBridge never made agent 1001 available: {await CallcenterAgentAsync("1001")}");

        await fixture.Pbx.ApiAsync($"bgapi originate loopback/500/default &playback({Tone})");
        await agent.WaitIncomingAsync(RealPbxAgents.RingTimeout);
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "the queue caller's tone");

        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
        Assert.True(
            await Poll.UntilAsync(async () => await CallcenterAgentAsync("1001") == "Available/Waiting", TimeSpan.FromSeconds(10)),
            $"agent 1001 is not free again after the queue call: {await CallcenterAgentAsync("1001")}");
    }

    [SkippableTheory]
    [InlineData(AgentAway.OnACall, "Available/Idle")]
    [InlineData(AgentAway.SignedOut, "Logged Out/")]
    [InlineData(AgentAway.PageClosed, "Logged Out/")]
    public async Task Mod_callcenter_rings_only_the_free_agent_when_the_other_is_busy_or_away(AgentAway away, string expected1001)
    {
        Ready();
        await SharedScenarios.QueueRingsOnlyTheFreeAgentAsync(
            fixture,
            away,
            CallcenterAgentAsync,
            expected1001,
            "Available/Waiting",
            () => fixture.Pbx.ApiAsync($"bgapi originate loopback/500/default &playback({Tone})"),
            RealFreeSwitch.ToneHz);
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
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task A_tone_before_the_answer_pre_answer_is_heard_before_the_200_then_the_answered_tone(string library)
    {
        Ready();
        await SharedScenarios.EarlyMediaBeforeTheAnswerAsync(fixture, library, "606", RealFreeSwitch.EarlyToneHz, RealFreeSwitch.ToneHz);
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

    /// <summary>
    /// FreeSWITCH calls 1001 through the shipped agent extension, playing the site's tone. 1001's first call (from
    /// 1002) is one FreeSWITCH placed to the agent: its far party hears the site's hold music while 1001 holds, since
    /// PbxBridge holds with a re-INVITE a=sendonly as a phone does (uuid_hold on such a leg plays it none).
    /// </summary>
    private CallWaitingScenarios.PbxCaller SecondCaller => new(
        () => fixture.Pbx.ApiAsync($"bgapi originate loopback/agent-1001/default &playback({Tone})"),
        RealFreeSwitch.ToneHz,
        RealFreeSwitch.HoldMusicHz);

    [SkippableFact]
    public async Task Agent_calls_agent_through_the_shipped_dialplan_holds_with_music_and_resumes()
    {
        Ready();
        await SharedScenarios.AgentToAgentWithHoldAsync(fixture, RealFreeSwitch.HoldMusicHz);
    }

    [SkippableTheory]
    [InlineData("jssip")] // SIP INFO, turned into RFC 2833 in PbxBridge's RTP
    [InlineData("sipjs")] // RFC 4733 in the SRTP
    public async Task The_agents_keys_reach_the_dialplans_read(string library)
    {
        Ready();
        await fixture.Pbx.ApiAsync("hash delete/lab/digits");
        await SharedScenarios.KeysReachTheReadAsync(fixture, library, RealFreeSwitch.ToneHz, async () => (await fixture.Pbx.ApiAsync("hash select/lab/digits")).Trim());
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Digits_freeswitch_sends_reach_the_browser_as_rfc4733_events(string library)
    {
        Ready();
        await SharedScenarios.DigitsFromThePbxReachTheBrowserAsync(fixture, library);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FreeSwitch_stopped_or_killed_mid_call_ends_the_call_and_the_next_call_works(bool kill)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        fixture.AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "before the restart");

        await fixture.Pbx.StopAsync(kill);
        await fixture.Pbx.BootAsync();
        RealPbxFixture<RealFreeSwitch>.AssertEnded(await agent.WaitEndAsync(TimeSpan.FromSeconds(45)), agent);
        Assert.True(
            await fixture.WaitPbxConnectedAsync(TimeSpan.FromSeconds(45)),
            "PbxBridge never reconnected to FreeSWITCH");

        fixture.AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "after the restart");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    /// <summary>A caller into the shipped mod_callcenter queue (pbxbridge-support, agents 1001 and 1002), once
    /// mod_callcenter sees 1001 free; ten minutes of tone (the lab's usual tone stream ends after ten seconds, shorter
    /// than a transfer takes).</summary>
    private TransferScenarios.QueueCaller QueueCaller => new(
        () => CallTheQueueWhen1001IsFreeAsync($"playback(tone_stream://%(600000,0,{RealFreeSwitch.ToneHz}))"),
        RealFreeSwitch.ToneHz,
        () => Task.CompletedTask,
        // Vanilla's default context answers every number it has no extension for with early-media hold music
        // (acknowledge_call), which only times out; an agent id PbxBridge does not have is refused at once (404).
        "agent-4999")
    {
        StartRecordingAsync = async () =>
        {
            // record_session on the caller (loopback-a) with RECORD_READ_ONLY: only what reaches it from the queue's side.
            var heard = Path.Combine(fixture.Pbx.RunDirectory, $"heard-{Guid.NewGuid():N}.wav");
            await CallTheQueueWhen1001IsFreeAsync(
                $"playback(tone_stream://%(600000,0,{RealFreeSwitch.ToneHz}))",
                $"{{RECORD_READ_ONLY=true,execute_on_answer='record_session {heard}'}}");
            return heard;
        },
    };

    private async Task CallTheQueueWhen1001IsFreeAsync(string application, string variables = "")
    {
        Assert.True(
            await Poll.UntilAsync(async () => await CallcenterAgentAsync("1001") == "Available/Waiting", TimeSpan.FromSeconds(10)),
            $"mod_callcenter never saw agent 1001 free: {await CallcenterAgentAsync("1001")}");
        await fixture.Pbx.ApiAsync($"bgapi originate {variables}loopback/500/default &{application}");
    }

    /// <summary>mod_callcenter's "status/state" of agent <paramref name="agent"/>@default, e.g. "Available/Waiting".</summary>
    private async Task<string> CallcenterAgentAsync(string agent) =>
        (await fixture.Pbx.ApiAsync($"callcenter_config agent get status {agent}@default")).Trim() + "/"
        + (await fixture.Pbx.ApiAsync($"callcenter_config agent get state {agent}@default")).Trim();

    /// <summary>
    /// FreeSWITCH holds the agent's own leg (uuid_hold: its re-INVITE a=sendonly to PbxBridge's UA): the browser gets
    /// PbxBridge's re-INVITE and shows the remote hold; uuid_hold off resumes it and 600's echo is heard again.
    /// </summary>
    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task FreeSwitch_holding_the_agents_leg_is_shown_as_remote_hold_then_resumes_both_ways(string library)
    {
        Ready();
        var leg = string.Empty;
        await PbxHoldScenarios.PbxHoldsTheAgentsLegAsync(
            fixture,
            library,
            async () =>
            {
                leg = await AgentLegUuidAsync();
                await fixture.Pbx.ApiAsync("uuid_hold " + leg);
            },
            async () => await fixture.Pbx.ApiAsync("uuid_hold off " + leg));
    }

    /// <summary>The uuid of the one channel on the pbxbridge sofia profile (the agent's leg), from <c>show channels as json</c>.</summary>
    private async Task<string> AgentLegUuidAsync()
    {
        var listing = await fixture.Pbx.ApiAsync("show channels as json");
        using var json = JsonDocument.Parse(listing);
        return json.RootElement.TryGetProperty("rows", out var rows)
            ? rows.EnumerateArray().Where(r => r.GetProperty("name").GetString()!.StartsWith("sofia/pbxbridge/", StringComparison.Ordinal))
                .Select(r => r.GetProperty("uuid").GetString()!).Single()
            : throw new InvalidOperationException("FreeSWITCH lists no channel: " + listing);
    }

    private async Task<long> CallsStartedAsync() =>
        PrometheusText.Value(await fixture.Host.Http.GetStringAsync(new Uri(fixture.Host.BaseUri, "metrics")), "pbxbridge_calls_started_total");

    private void Ready() => Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
}
