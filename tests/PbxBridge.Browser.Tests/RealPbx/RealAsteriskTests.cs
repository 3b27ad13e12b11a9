using System.Net.WebSockets;
using System.Text.Json;
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
public sealed class RealAsteriskTests(RealAsteriskFixture fixture) : IClassFixture<RealAsteriskFixture>
{
    private static readonly TimeSpan RingTimeout = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData("jssip")]
    [InlineData("sipjs")]
    public async Task Agent_dials_the_milliwatt_and_the_echo_and_hears_each_by_frequency(string library)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "601 Milliwatt");
        var stats = await agent.SendAsync("stats");
        Assert.Equal("audio/opus", stats.GetProperty("codec").GetString());
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();

        AssertConfirmed(await agent.CallAsync("600"), agent);
        await agent.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "600 Echo: the agent's own microphone");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData("jssip", "lab-caller", "5551234")]
    [InlineData("sipjs", "lab-withheld", "anonymous")]
    [InlineData("jssip", "lab-withheld", "anonymous")]
    public async Task Asterisk_calls_the_agent_who_answers_hears_the_caller_and_the_pbx_hangs_up(string library, string context, string expectedFrom)
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        await fixture.Asterisk.RxAsync($"channel originate Local/1001@{context} application Milliwatt");
        var incoming = await agent.WaitIncomingAsync(RingTimeout);
        Assert.Equal(expectedFrom, incoming.GetProperty("from").GetString());
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "the caller's Milliwatt");

        await fixture.Asterisk.RxAsync("channel request hangup all");
        AssertEndedByRemote(await agent.WaitEndAsync(TimeSpan.FromSeconds(15)), agent);
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableFact]
    public async Task A_queue_of_local_channels_delivers_the_caller_to_the_agent()
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "sipjs");

        await fixture.Asterisk.RxAsync("channel originate Local/500@lab-queue application Milliwatt");
        await agent.WaitIncomingAsync(RingTimeout);
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "the queue caller's Milliwatt");
        Assert.Contains("support", await fixture.Asterisk.RxAsync("queue show support"), StringComparison.Ordinal);

        await agent.HangupAsync();
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
        await bob.AssertHearsAsync(RealAsterisk.MusicOnHoldHz, "the music on hold while Alice holds");
        await alice.UnholdAsync();
        await bob.AssertHearsAsync(RealPbxAgents.MicrophoneHz1001, "Alice again after she resumed");

        await bob.HangupAsync();
        AssertEndedByRemote(await alice.WaitEndAsync(TimeSpan.FromSeconds(15)), alice);
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableTheory]
    [InlineData("jssip")] // SIP INFO application/dtmf-relay
    [InlineData("sipjs")] // RFC 4733 in the SRTP
    public async Task The_agents_keys_reach_the_dialplans_read(string library)
    {
        Ready();
        await fixture.Asterisk.RxAsync("dialplan set global LAB_DIGITS none");
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", library);

        AssertConfirmed(await agent.CallAsync("604"), agent);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await agent.DtmfAsync("1234");
        Assert.True(
            await Eventually(async () => (await fixture.Asterisk.RxAsync("dialplan show globals")).Contains("LAB_DIGITS=1234", StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
            $"Read() did not get 1234: {await fixture.Asterisk.RxAsync("dialplan show globals")}");
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "604 after the keys");

        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    [SkippableFact]
    public async Task Twenty_consecutive_calls_into_asterisk_all_connect()
    {
        Ready();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "jssip");
        for (var i = 1; i <= 20; i++)
        {
            var call = await agent.CallAsync("601");
            Assert.True(call.GetProperty("state").GetString() == "confirmed", $"call {i} of 20: {call}\n{ReadFailures(fixture.Host.Output)}");
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
        AssertConfirmed(await agent.CallAsync("601"), agent);
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "before the restart");

        await fixture.Asterisk.StopAsync(kill);
        await fixture.Asterisk.BootAsync();
        AssertEndedByRemote(await agent.WaitEndAsync(TimeSpan.FromSeconds(45)), agent);
        await WaitConnectedAsync();

        AssertConfirmed(await agent.CallAsync("601"), agent);
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
            var events = new Uri($"ws://127.0.0.1:8088/ari/events?app=pbxbridge&api_key={RealAsterisk.AriUser}:{fixture.Asterisk.AriPassword}");
            await thief.ConnectAsync(events, CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await thief.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }

        await WaitConnectedAsync();
        await using var agent = await RealPbxAgents.SignInAsync(fixture.Host, "1001", "sipjs");
        await fixture.Asterisk.RxAsync("channel originate Local/1001@lab-caller application Milliwatt");
        await agent.WaitIncomingAsync(RingTimeout);
        await agent.AnswerAsync();
        await agent.AssertHearsAsync(RealAsterisk.MilliwattHz, "a call after ApplicationReplaced");
        await agent.HangupAsync();
        await fixture.AssertNothingLeftAsync();
    }

    private void Ready() => Skip.If(fixture.SkipReason is not null, fixture.SkipReason);

    /// <summary>/healthz says the PBX is connected and ARI lists our application with a live WebSocket.</summary>
    private async Task WaitConnectedAsync()
    {
        var ok = await Eventually(
            async () =>
            {
                using var health = JsonDocument.Parse(await fixture.Host.Http.GetStringAsync(new Uri("healthz", UriKind.Relative)));
                return health.RootElement.GetProperty("pbx").GetProperty("connected").GetBoolean()
                    && (await fixture.Asterisk.RxAsync("ari show apps")).Contains("pbxbridge", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(45));
        Assert.True(ok, $"PbxBridge never came back to Asterisk:\n{await fixture.Asterisk.RxAsync("ari show apps")}\n{RealAsteriskFixture.Tail(fixture.Host.Output)}");
    }

    private void AssertConfirmed(JsonElement call, AgentBrowser agent) =>
        Assert.True(call.GetProperty("state").GetString() == "confirmed", $"{agent.Library}: call not confirmed: {call}\n{ReadFailures(fixture.Host.Output)}");

    private static void AssertEndedByRemote(JsonElement end, AgentBrowser agent) =>
        Assert.False(end.TryGetProperty("timeout", out _), $"{agent.Library}: the call never ended in the browser: {end}\n{agent.Log}");

    private static string ReadFailures(string output) =>
        string.Join('\n', output.Split('\n').Where(l => l.Contains("WRN", StringComparison.Ordinal) || l.Contains("ERR", StringComparison.Ordinal)).TakeLast(30));

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
