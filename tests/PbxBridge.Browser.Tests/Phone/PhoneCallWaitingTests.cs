using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

/// <summary>Call waiting and the ringback on the /phone page, by clicks, against the demo PBX.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneCallWaitingTests : IDisposable
{
    private readonly string _microphoneWav = Path.Combine(Path.GetTempPath(), $"phone-waiting-{Guid.NewGuid():N}.wav");

    public void Dispose() => File.Delete(_microphoneWav);

    [Fact]
    public async Task A_second_call_is_answered_with_the_first_on_hold_switched_ended_declined_and_a_third_refused()
    {
        ToneWav.Write(_microphoneWav, 700, 90);
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(
            host, "call-waiting.mjs",
            $"--url={host.PhoneUrl}", $"--api={host.BaseUri}", $"--password={host.AgentPassword}", $"--wav={_microphoneWav}");

        Assert.InRange(PhoneTransferTests.Hz(result, "echoFirst"), 680, 720);
        var waiting = result.GetProperty("waiting");
        Assert.False(waiting.GetProperty("waitingHidden").GetBoolean());
        Assert.Contains("601", waiting.GetProperty("waitingFrom").GetString(), StringComparison.Ordinal);
        Assert.Equal("in-call", waiting.GetProperty("state").GetString());
        Assert.True(result.GetProperty("waitingAnswerFocused").GetBoolean());

        var second = result.GetProperty("secondAnswered");
        Assert.True(second.GetProperty("waitingHidden").GetBoolean());
        Assert.False(second.GetProperty("linesHidden").GetBoolean());
        Assert.True(second.GetProperty("switchEnabled").GetBoolean());
        Assert.Contains(second.GetProperty("shownLines").EnumerateArray(), l => l.GetString()!.StartsWith("600", StringComparison.Ordinal) && l.GetString()!.EndsWith("On hold", StringComparison.Ordinal));
        Assert.InRange(PhoneTransferTests.Hz(result, "hearsSecond"), 984, 1024);
        Assert.InRange(PhoneTransferTests.Hz(result, "hearsFirstAgain"), 680, 720);
        Assert.InRange(PhoneTransferTests.Hz(result, "hearsSecondAgain"), 984, 1024);

        // The second call ended: the first is shown, still held, until Resume; then its echo is back.
        var after = result.GetProperty("afterSecondEnded");
        Assert.Equal("On hold", after.GetProperty("callStateText").GetString());
        Assert.True(after.GetProperty("linesHidden").GetBoolean());
        Assert.InRange(PhoneTransferTests.Hz(result, "echoResumed"), 680, 720);

        // Declined with Busy: the PBX side hears 486, the call in progress goes on.
        Assert.Equal("In call", result.GetProperty("afterDecline").GetProperty("callStateText").GetString());
        Assert.InRange(PhoneTransferTests.Hz(result, "echoAfterDecline"), 680, 720);

        // A third call while one is up and one waits: the page refuses it with 486, the waiting one stays.
        var third = result.GetProperty("third");
        Assert.Equal(2, third.GetProperty("lines").GetArrayLength());
        Assert.False(third.GetProperty("waitingHidden").GetBoolean());
        Assert.Equal(3, CountOf(host.Output, "agent rejected with 486 Busy Here"));

        Assert.Equal("idle", result.GetProperty("end").GetProperty("state").GetString());
        await PhoneTransferTests.AssertNoCallLeftAsync(host);
    }

    [Fact]
    public async Task A_ringing_call_plays_the_local_ringback_and_early_media_replaces_it()
    {
        await using var host = await PbxBridgeProcess.StartAsync();

        var result = await PhoneScenario.RunAsync(host, "ringback.mjs", $"--url={host.PhoneUrl}", $"--password={host.AgentPassword}");

        var ringing = result.GetProperty("ringing");
        Assert.True(ringing.GetProperty("playing").GetBoolean(), $"no ringback while 602 rang: {result}");
        Assert.Equal(["outgoing"], ringing.GetProperty("states").EnumerateArray().Select(s => s.GetString()));
        Assert.InRange(PhoneTransferTests.Hz(ringing, "frequencyHz"), 415, 435);
        Assert.False(result.GetProperty("afterCancel").GetProperty("playing").GetBoolean());

        var early = result.GetProperty("early");
        Assert.Equal("outgoing", early.GetProperty("state").GetString());
        Assert.InRange(PhoneTransferTests.Hz(early, "frequencyHz"), 984, 1024);
        Assert.False(early.GetProperty("ringback").GetProperty("playing").GetBoolean(), "the ringback plays over the early media");
        Assert.Equal("in-call", result.GetProperty("answered").GetProperty("state").GetString());
        Assert.False(result.GetProperty("answered").GetProperty("ringback").GetProperty("playing").GetBoolean());
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
