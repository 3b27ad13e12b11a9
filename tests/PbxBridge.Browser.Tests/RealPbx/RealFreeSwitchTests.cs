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
    private static readonly TimeSpan RingTimeout = TimeSpan.FromSeconds(30);
    private static readonly string Tone = $"tone_stream://%(10000,0,{RealFreeSwitch.ToneHz});loops=-1";

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Agent_dials_the_tone_and_the_echo_and_hears_each_by_frequency(string library)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "601 tone");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();

        AssertConfirmed(await agent.CallAsync("600"), agent);
        await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600 echo: the agent's own microphone");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task FreeSwitch_calls_the_agent_with_a_caller_id_and_hangs_up(string library)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        await fixture.FreeSwitch.ApiAsync($"bgapi originate {{origination_caller_id_number=5551234,origination_caller_id_name=Customer}}loopback/agent-1001/default &playback({Tone})");
        var incoming = await agent.WaitIncomingAsync(RingTimeout);
        Assert.Equal("5551234", incoming.GetProperty("from").GetString());
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "the caller's tone");

        await fixture.FreeSwitch.ApiAsync("hupall NORMAL_CLEARING");
        AssertEnded(await agent.WaitEndAsync(TimeSpan.FromSeconds(15)), agent);
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableFact]
    public async Task Mod_callcenter_delivers_the_queue_caller_to_the_agent()
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "sipjs");
        foreach (var command in new[]
                 {
                     "callcenter_config agent add 1001@default callback",
                     "callcenter_config agent set contact 1001@default loopback/agent-1001/default",
                     "callcenter_config agent set status 1001@default Available",
                     "callcenter_config agent set state 1001@default Waiting",
                     "callcenter_config tier add support@default 1001@default 1 1",
                     "callcenter_config queue load support@default",
                 })
        {
            await fixture.FreeSwitch.ApiAsync(command);
        }

        await fixture.FreeSwitch.ApiAsync($"bgapi originate loopback/500/default &playback({Tone})");
        await agent.WaitIncomingAsync(RingTimeout);
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "the queue caller's tone");

        await agent.HangupAsync();
        await fixture.FreeSwitch.ApiAsync("callcenter_config agent del 1001@default");
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableFact]
    public async Task Agent_calls_agent_through_the_shipped_dialplan_holds_with_music_and_resumes()
    {
        Ready();
        await using var alice = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        await using var bob = await RealPbxAgents.SignInAsync(fixture.Host, "1002", "sipjs");

        var calling = alice.CallAsync("1002");
        var incoming = await bob.WaitIncomingAsync(RingTimeout);
        Assert.Equal("1001", incoming.GetProperty("from").GetString());
        await bob.AnswerAsync();
        AssertConfirmed(await calling, alice);
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice's voice");
        await alice.AssertHearsAsync(RealPbxAgents.MicrophoneHz1002, "Bob's voice");

        await alice.HoldAsync();
        await bob.AssertHearsAsync(RealFreeSwitch.HoldMusicHz, "the hold music while Alice holds");
        await alice.UnholdAsync();
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice again after she resumed");

        await bob.HangupAsync();
        AssertEnded(await alice.WaitEndAsync(TimeSpan.FromSeconds(15)), alice);
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData("jssip")] // SIP INFO, turned into RFC 2833 in PbxBridge's RTP
    [InlineData("sipjs")] // RFC 4733 in the SRTP
    public async Task The_agents_keys_reach_the_dialplans_read(string library)
    {
        Ready();
        await fixture.FreeSwitch.ApiAsync("hash delete/lab/digits");
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        AssertConfirmed(await agent.CallAsync("604"), agent);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await agent.DtmfAsync("1234");
        Assert.True(
            await Eventually(async () => (await fixture.FreeSwitch.ApiAsync("hash select/lab/digits")).Trim() == "1234", TimeSpan.FromSeconds(10)),
            $"read got: '{(await fixture.FreeSwitch.ApiAsync("hash select/lab/digits")).Trim()}'");
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "604 after the keys");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Digits_freeswitch_sends_reach_the_browser_as_rfc4733_events(string library)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);
        using var wire = new LoopbackRtpCapture(40000, 40999);

        AssertConfirmed(await agent.CallAsync("603"), agent);
        // Chromium offers telephone-event/48000 as 110 and /8000 as 126; PbxBridge answers with the one matching Opus' clock.
        Assert.True(
            await Eventually(() => Task.FromResult(wire.EventsOfPayloadType(110) + wire.EventsOfPayloadType(126) >= 4), TimeSpan.FromSeconds(10)),
            $"{library}: FreeSWITCH sent 1234, toward the browser went: {wire.Summary()}");
        Assert.Equal(4, wire.EventsOfPayloadType(110) + wire.EventsOfPayloadType(126));
        await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "603's echo after the digits");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FreeSwitch_stopped_or_killed_mid_call_ends_the_call_and_the_next_call_works(bool kill)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "before the restart");

        await fixture.FreeSwitch.StopAsync(kill);
        await fixture.FreeSwitch.BootAsync();
        AssertEnded(await agent.WaitEndAsync(TimeSpan.FromSeconds(45)), agent);
        Assert.True(
            await Eventually(async () => JsonDocument.Parse(await fixture.Host.Http.GetStringAsync(new Uri("healthz", UriKind.Relative))).RootElement.GetProperty("pbx").GetProperty("connected").GetBoolean(), TimeSpan.FromSeconds(45)),
            "PbxBridge never reconnected to FreeSWITCH");

        AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealFreeSwitch.ToneHz, "after the restart");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    private void Ready() => Skip.If(fixture.SkipReason is not null, fixture.SkipReason);

    private void AssertConfirmed(JsonElement call, AgentBrowser agent) =>
        Assert.True(call.GetProperty("state").GetString() == "confirmed", $"{agent.Library}: call not confirmed: {call}\n{RealAsteriskFixture.Tail(fixture.Host.Output, 3000)}");

    private static void AssertEnded(JsonElement end, AgentBrowser agent) =>
        Assert.False(end.TryGetProperty("timeout", out _), $"{agent.Library}: the call never ended in the browser: {end}\n{agent.Log}");

    private static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(250);
        }

        return true;
    }
}
