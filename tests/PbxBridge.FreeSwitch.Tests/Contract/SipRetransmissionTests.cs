using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Sip.Transactions;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>The leg's RFC 3261 timers on a fake clock at their real values (T1 500 ms, T2 4 s): nothing is sent
/// before it is due, everything is sent when it is, and no test waits for a timer.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class SipRetransmissionTests
{
    [Fact]
    public async Task Unanswered_invite_is_retransmitted_on_timer_a_doubling_and_fails_on_timer_b()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync();
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var options = FreeSwitchFixture.OptionsFor(simulator);
        options.SipAddress = silent.Client.LocalEndPoint!.ToString()!;
        var clock = new FakeTimeProvider();
        await using var pbx = new FreeSwitchPbx(options, NullLogger.Instance, clock, SipTimerValues.Default);
        await pbx.StartAsync(new RecordingInboundHandler(), TestContext.Timeout);
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var placing = pbx.PlaceCallAsync(OutboundCallTests.Request("601", media, new RecordingObserver()), TestContext.Timeout);
        var first = await FakeFreeSwitch.ReceiveAsync(silent);
        Assert.StartsWith("INVITE ", first, StringComparison.Ordinal);

        // RFC 3261 §17.1.1.2: Timer A starts at T1 and doubles (not capped at T2 for INVITE): 0.5, 1, 2, 4, 8, 16 s.
        foreach (var interval in new[] { 500, 1000, 2000, 4000, 8000, 16000 })
        {
            clock.Advance(TimeSpan.FromMilliseconds(interval - 1));
            Assert.Equal(0, silent.Available);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(FakeFreeSwitch.Branch(first), FakeFreeSwitch.Branch(await FakeFreeSwitch.ReceiveAsync(silent)));
        }

        // 31.5 s so far; Timer B (64*T1 = 32 s) ends it with a 408, before Timer A's next turn at 63.5 s.
        Assert.False(placing.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var error = await Assert.ThrowsAsync<PbxCallFailedException>(() => placing.Within(3));
        Assert.Equal("RECOVERY_ON_TIMER_EXPIRE", error.Cause.Text);
        clock.Advance(TimeSpan.FromSeconds(64));
        Assert.Equal(0, silent.Available);
    }

    [Fact]
    public async Task Our_answer_is_retransmitted_doubling_up_to_t2_until_freeswitch_acks_it()
    {
        var clock = new FakeTimeProvider();
        await using var fs = await FreeSwitchFixture.StartAsync(time: clock, timers: SipTimerValues.Default);
        using var freeSwitch = new FakeFreeSwitch(fs.Pbx.LocalSipEndPoint!);
        var (call, observer, media) = await freeSwitch.CallAgentAsync(fs);
        await using var rtp = media;
        var answering = call.AnswerAsync(new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout);
        var ok = await freeSwitch.ReceiveAsync();
        Assert.StartsWith("SIP/2.0 200 OK", ok, StringComparison.Ordinal);

        // RFC 3261 §13.3.1.4: T1, doubling, capped at T2 (4 s): 0.5, 1, 2, 4, 4 s.
        foreach (var interval in new[] { 500, 1000, 2000, 4000, 4000 })
        {
            clock.Advance(TimeSpan.FromMilliseconds(interval - 1));
            Assert.Equal(0, freeSwitch.Available);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(ok, await freeSwitch.ReceiveAsync());
        }

        await freeSwitch.AckAsync(1, ok);
        await answering.Within(3);
        await observer.Answered.Task.Within(3);
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(0, freeSwitch.Available);
        Assert.False(observer.HungUp.Task.IsCompleted, "the ACK came: the call goes on past Timer H");
    }

    [Fact]
    public async Task An_answer_never_acked_ends_the_call_with_bye_after_64_t1()
    {
        var clock = new FakeTimeProvider();
        await using var fs = await FreeSwitchFixture.StartAsync(time: clock, timers: SipTimerValues.Default);
        using var freeSwitch = new FakeFreeSwitch(fs.Pbx.LocalSipEndPoint!);
        var (call, observer, media) = await freeSwitch.CallAgentAsync(fs);
        await using var rtp = media;
        _ = call.AnswerAsync(new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout);
        Assert.StartsWith("SIP/2.0 200 OK", await freeSwitch.ReceiveAsync(), StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromSeconds(32));

        string bye;
        do
        {
            bye = await freeSwitch.ReceiveAsync();
        }
        while (bye.StartsWith("SIP/2.0 200", StringComparison.Ordinal));

        Assert.StartsWith("BYE ", bye, StringComparison.Ordinal);
        Assert.Contains("cause=41", bye, StringComparison.Ordinal);
        Assert.Equal(PbxCause.NormalTemporaryFailure, await observer.HungUp.Task.Within(3));
    }

    /// <summary>RFC 3261 §14.1 on the leg, through the Sip core's one re-INVITE client: our hold re-INVITE that crossed
    /// FreeSWITCH's own (491) goes again once the glare timer ran (0-2 s: FreeSWITCH chose this call's Call-ID), with
    /// a new CSeq and the same hold offer, and the hold completes with that one's 200.</summary>
    [Fact]
    public async Task Our_hold_re_invite_answered_491_goes_again_after_the_glare_timer_and_completes_with_its_200()
    {
        var clock = new FakeTimeProvider();
        await using var fs = await FreeSwitchFixture.StartAsync(time: clock, timers: SipTimerValues.Default);
        using var freeSwitch = new FakeFreeSwitch(fs.Pbx.LocalSipEndPoint!);
        var (call, observer, media) = await freeSwitch.CallAgentAsync(fs);
        await using var rtp = media;
        var answering = call.AnswerAsync(new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout);
        await freeSwitch.AckAsync(1, await freeSwitch.ReceiveAsync());
        await answering.Within(3);
        await observer.Answered.Task.Within(3);

        var holding = call.HoldAsync(TestContext.Timeout);
        var first = await freeSwitch.ReceiveAsync();
        Assert.Contains("a=sendonly", first, StringComparison.Ordinal);
        await freeSwitch.RespondAsync(first, "INVITE", "491 Request Pending");
        Assert.StartsWith("ACK ", await freeSwitch.ReceiveAsync(), StringComparison.Ordinal);
        Assert.False(holding.IsCompleted, "a 491 is glare, not the hold's outcome");

        // The ACK leaves before the 491 reaches the call, which then starts the glare timer: step the clock until the
        // retry goes (at most the 2 s of §14.1 after that; the Sip room's tests hold each bound to the millisecond).
        for (var waited = 0; waited < 4000 && freeSwitch.Available == 0; waited += 100)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20);
        }

        var second = await freeSwitch.ReceiveAsync();
        Assert.Contains("a=sendonly", second, StringComparison.Ordinal);
        Assert.NotEqual(FakeFreeSwitch.Branch(first), FakeFreeSwitch.Branch(second));
        Assert.Contains($"CSeq: {CSeqOf(first) + 1} INVITE", second, StringComparison.Ordinal);
        await freeSwitch.RespondAsync(second, "INVITE", "200 OK");
        var ack = await freeSwitch.ReceiveAsync();
        Assert.StartsWith("ACK ", ack, StringComparison.Ordinal);
        Assert.Contains($"CSeq: {CSeqOf(second)} ACK", ack, StringComparison.Ordinal);
        await holding.Within(3);
    }

    private static int CSeqOf(string message) =>
        int.Parse(message.Split("\r\n").First(l => l.StartsWith("CSeq: ", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
}
