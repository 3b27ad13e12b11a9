using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Registrar;

/// <summary>Repeated authentication failures from one address: 403 then 429, each answer held back twice as long as the
/// one before on the stack's clock (no thread sleeps), and one log line per window however many attempts.</summary>
public sealed class AuthThrottleTests
{
    /// <summary>Well-formed credentials for a real agent and our realm whose digest is wrong.</summary>
    private const string WrongDigest =
        "Digest username=\"1001\", realm=\"pbxbridge\", nonce=\"0123456789abcdef\", uri=\"sip:pbxbridge\", " +
        "response=\"00000000000000000000000000000000\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c1\"";

    private static StackHarness Harness() => new(o =>
    {
        o.MaxAuthFailures = 3;
        o.AuthFailureWindow = TimeSpan.FromMinutes(1);
        o.AuthThrottleMaxDelay = TimeSpan.FromSeconds(16);
    });

    /// <summary>Sends, then moves the clock on in 250 ms steps until the answer comes: how long it was held back.</summary>
    private static (SipResponse Response, TimeSpan Delay) SendAndTime(StackHarness h, BrowserUa ua, string text)
    {
        var before = ua.Flow.Sent.Count;
        ua.Send(text);
        var waited = TimeSpan.Zero;
        while (ua.Flow.Sent.Count == before)
        {
            Assert.True(waited < TimeSpan.FromMinutes(1), "never answered");
            h.Time.Advance(TimeSpan.FromMilliseconds(250));
            waited += TimeSpan.FromMilliseconds(250);
        }

        return (ua.Flow.LastResponse, waited);
    }

    [Fact]
    public void Answers_to_a_failing_address_wait_1_2_4_8_16_seconds_then_stay_at_the_cap()
    {
        using var h = Harness();
        var ua = new BrowserUa(h, h.Connect("f1", address: "192.0.2.66"), "1001");

        var answers = Enumerable.Range(0, 9).Select(_ => SendAndTime(h, ua, ua.RegisterText(authorization: WrongDigest))).ToList();

        Assert.Equal([401, 401, 403, 403, 403, 403, 429, 429, 429], answers.Select(a => a.Response.StatusCode));
        Assert.Equal([0, 0, 1, 2, 4, 8, 16, 16, 16], answers.Select(a => a.Delay.TotalSeconds));
        Assert.Equal(3, h.Stack.Counters.AuthFailures);
        Assert.Equal(6, h.Stack.Counters.AuthThrottled);
    }

    [Fact]
    public void A_held_back_answer_blocks_neither_its_connection_nor_other_addresses()
    {
        using var h = Harness();
        var bad = new BrowserUa(h, h.Connect("f1", address: "192.0.2.66"), "1001");
        for (var i = 0; i < 4; i++)
        {
            SendAndTime(h, bad, bad.RegisterText(authorization: WrongDigest));
        }

        // The fifth failure's 403 is due in 4 s; meanwhile the same connection and another address are served at once.
        var before = bad.Flow.Sent.Count;
        bad.Send(bad.RegisterText(authorization: WrongDigest));
        bad.Send("OPTIONS sip:pbxbridge SIP/2.0\r\nVia: " + bad.Via(BrowserUa.NewBranch()) + "\r\nMax-Forwards: 69\r\nTo: <sip:pbxbridge>\r\n" +
            "From: <sip:1001@pbxbridge>;tag=o1\r\nCall-ID: opt-during-throttle\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        var good = new BrowserUa(h, h.Connect("f2", address: "192.0.2.77"), "1002");
        good.Send(good.RegisterText());
        good.Send(good.RegisterText(authorization: good.Authorize(good.Flow.LastResponse, "REGISTER", "sip:pbxbridge")));

        Assert.Equal(200, good.Flow.LastResponse.StatusCode);
        Assert.Equal("opt-during-throttle", Assert.Single(bad.Flow.Sent.Skip(before)).CallId);

        h.Time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(403, bad.Flow.LastResponse.StatusCode);
        Assert.Equal(before + 2, bad.Flow.Sent.Count);
    }

    [Fact]
    public void A_thousand_bad_attempts_make_one_log_line_per_window()
    {
        using var h = Harness();
        var ua = new BrowserUa(h, h.Connect("f1", address: "192.0.2.66"), "1001");

        for (var i = 0; i < 1000; i++)
        {
            ua.Send(ua.RegisterText(authorization: WrongDigest));
        }

        h.Time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(1000, ua.Flow.Responses("REGISTER").Count);
        Assert.Empty(h.Log.Containing("failed authentications"));

        h.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(["1000 failed authentications from 192.0.2.66 in the last 60 s"], h.Log.Containing("failed authentications"));

        // Ten minutes later the address is forgiven; a new round is a new window and one more line.
        for (var i = 0; i < 1000; i++)
        {
            ua.Send(ua.RegisterText(authorization: WrongDigest));
        }

        h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(2, h.Log.Containing("failed authentications").Count);
        Assert.Equal(0, h.Stack.Counters.Transactions);
        Assert.Equal(0, h.Stack.Counters.Timers);
    }

    [Fact]
    public void An_attack_spanning_windows_is_reported_once_per_window_with_its_count()
    {
        using var h = Harness();
        var ua = new BrowserUa(h, h.Connect("f1", address: "192.0.2.66"), "1001");

        // One attempt every 2 s for 150 s: throttled throughout (never a quiet minute), reported per minute.
        for (var i = 0; i < 75; i++)
        {
            ua.Send(ua.RegisterText(authorization: WrongDigest));
            h.Time.Advance(TimeSpan.FromSeconds(2));
        }

        h.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(
            ["30 failed authentications from 192.0.2.66 in the last 60 s", "30 failed authentications from 192.0.2.66 in the last 60 s",
             "15 failed authentications from 192.0.2.66 in the last 60 s"],
            h.Log.Containing("failed authentications"));
    }

    [Fact]
    public void A_few_typos_are_neither_throttled_nor_logged()
    {
        using var h = Harness();
        var ua = new BrowserUa(h, h.Connect("f1", address: "192.0.2.66"), "1001");

        Assert.Equal(401, ua.Register(password: "typo").StatusCode);
        Assert.Equal(401, ua.Register(password: "typo again").StatusCode);
        Assert.Equal(200, ua.Register().StatusCode);
        h.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Empty(h.Log.Containing("failed authentications"));
        Assert.Equal(0, h.Stack.Counters.AuthThrottled);
    }
}
