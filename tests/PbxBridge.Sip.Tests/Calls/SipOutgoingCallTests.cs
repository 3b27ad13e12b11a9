using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Calls;

public sealed class SipOutgoingCallTests
{
    private const string Offer = SipIncomingCallTests.Answer;
    private const string BrowserAnswer = SipIncomingCallTests.Offer;

    private static void AssertNothingLeft(StackHarness h)
    {
        Assert.Equal(0, h.Stack.Counters.Dialogs);
        Assert.Equal(0, h.Stack.Counters.Transactions);
        Assert.Equal(0, h.Stack.Counters.Timers);
    }

    [Fact]
    public void Inviting_an_agent_without_registration_returns_null()
    {
        using var h = new StackHarness();

        Assert.Null(h.Stack.InviteAgent("1001", "601", "Tone", Offer));
        AssertNothingLeft(h);
    }

    [Fact]
    public void Invite_goes_over_the_registered_flow_to_the_contact_with_our_own_via()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Register();

        var call = h.Stack.InviteAgent("1001", "601", "Tone 601", Offer);

        Assert.NotNull(call);
        var invite = Assert.Single(ua.Flow.Requests("INVITE"));
        Assert.Equal(ua.ContactUri, invite.RequestUri);
        var via = Assert.Single(invite.Vias);
        Assert.Equal("WSS", via.Transport);
        Assert.Equal("pbxbridge.invalid", via.Host);
        Assert.True(via.IsRfc3261Branch);
        Assert.Equal("601", invite.From!.Uri!.User);
        Assert.Equal("Tone 601", invite.From.DisplayName);
        Assert.NotNull(invite.From.Tag);
        Assert.Equal("1001", invite.To!.Uri!.User);
        Assert.Null(invite.To.Tag);
        Assert.Equal(Offer, invite.BodyText);
    }

    [Theory]
    [InlineData("", "", "\"Anonymous\" <sip:anonymous@anonymous.invalid>")]
    [InlineData(" ", "Customer", "\"Customer\" <sip:anonymous@anonymous.invalid>")]
    public void Caller_without_a_number_is_anonymous_in_a_from_header_that_parses(string number, string name, string expected)
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Register();

        Assert.NotNull(h.Stack.InviteAgent("1001", number, name, Offer));

        var invite = Assert.Single(ua.Flow.Requests("INVITE"));
        var from = invite.Headers.Get(SipHeaderNames.From)!;
        Assert.StartsWith(expected + ";tag=", from, StringComparison.Ordinal);
        Assert.True(NameAddr.TryParse(from, out var parsed, out var error), error);
        Assert.Equal("anonymous", parsed!.Uri!.User);
        Assert.Equal("anonymous.invalid", parsed.Uri.Host);
    }

    [Fact]
    public void First_200_of_two_tabs_wins_and_the_other_tab_is_cancelled()
    {
        using var h = new StackHarness();
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001", BrowserFlavor.SipJs);
        tab1.Register();
        tab2.Register();
        var call = h.Stack.InviteAgent("1001", "601", "Tone", Offer)!;
        var events = new List<string>();
        call.Ringing += () => events.Add("ringing");
        call.Answered += sdp => events.Add("answered:" + (sdp == BrowserAnswer));
        call.Rejected += (c, _) => events.Add("rejected:" + c);
        var invite1 = tab1.Flow.Requests("INVITE").Single();
        var invite2 = tab2.Flow.Requests("INVITE").Single();

        tab1.Respond(invite1, 180, "Ringing", "t1");
        tab2.Respond(invite2, 100, "Trying");
        tab2.Respond(invite2, 180, "Ringing", "t2");
        tab2.Respond(invite2, 200, "OK", "t2", BrowserAnswer);

        Assert.Equal(["ringing", "answered:True"], events);
        var ack = Assert.Single(tab2.Flow.Requests("ACK"));
        Assert.Equal("t2", ack.To!.Tag);
        Assert.Equal(1u, ack.CSeq!.Value.Number);
        Assert.NotEqual(invite2.TopVia!.Branch, ack.TopVia!.Branch);

        var cancel = Assert.Single(tab1.Flow.Requests("CANCEL"));
        Assert.Equal(invite1.TopVia!.Branch, cancel.TopVia!.Branch);
        Assert.Null(cancel.To!.Tag);
        tab1.Respond(cancel, 200, "OK", "t1");
        tab1.Respond(invite1, 487, "Request Terminated", "t1");
        Assert.Single(tab1.Flow.Requests("ACK"));

        call.Hangup();
        var bye = Assert.Single(tab2.Flow.Requests("BYE"));
        tab2.Respond(bye, 200, "OK");
        Assert.Equal(["ringing", "answered:True"], events);
        AssertNothingLeft(h);
    }

    [Fact]
    public void A_second_200_after_the_winner_is_acked_and_byed()
    {
        using var h = new StackHarness();
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001");
        tab1.Register();
        tab2.Register();
        var answers = 0;
        var call = h.Stack.InviteAgent("1001", "601", "Tone", Offer)!;
        call.Answered += _ => answers++;
        var invite1 = tab1.Flow.Requests("INVITE").Single();
        var invite2 = tab2.Flow.Requests("INVITE").Single();

        tab1.Respond(invite1, 200, "OK", "t1", BrowserAnswer);
        tab2.Respond(invite2, 200, "OK", "t2", BrowserAnswer);

        Assert.Equal(1, answers);
        Assert.Single(tab2.Flow.Requests("ACK"));
        var bye = Assert.Single(tab2.Flow.Requests("BYE"));
        tab2.Respond(bye, 200, "OK");
        Assert.Equal(1, h.Stack.Counters.Dialogs);
    }

    [Fact]
    public void All_forks_failing_raise_rejected_with_busy_preferred()
    {
        using var h = new StackHarness();
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001");
        tab1.Register();
        tab2.Register();
        var call = h.Stack.InviteAgent("1001", "601", "Tone", Offer)!;
        (int Code, string Phrase)? rejected = null;
        call.Rejected += (c, p) => rejected = (c, p);

        tab1.Respond(tab1.Flow.Requests("INVITE").Single(), 480, "Temporarily Unavailable", "t1");
        Assert.Null(rejected);
        tab2.Respond(tab2.Flow.Requests("INVITE").Single(), 486, "Busy Here", "t2");

        Assert.Equal((486, "Busy Here"), rejected);
        Assert.Single(tab1.Flow.Requests("ACK"));
        Assert.Single(tab2.Flow.Requests("ACK"));
        AssertNothingLeft(h);
    }

    [Fact]
    public void Cancel_waits_for_a_provisional_then_sends_cancel()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Register();
        var call = h.Stack.InviteAgent("1001", "601", "Tone", Offer)!;
        var rejected = false;
        call.Rejected += (_, _) => rejected = true;
        var invite = ua.Flow.Requests("INVITE").Single();

        call.Cancel();
        Assert.Empty(ua.Flow.Requests("CANCEL"));
        ua.Respond(invite, 180, "Ringing", "t1");
        var cancel = Assert.Single(ua.Flow.Requests("CANCEL"));
        ua.Respond(cancel, 200, "OK", "t1");
        ua.Respond(invite, 487, "Request Terminated", "t1");

        Assert.False(rejected);
        AssertNothingLeft(h);
    }

    [Fact]
    public void Browser_bye_ends_the_answered_call_and_info_dtmf_is_raised()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Register();
        var call = h.Stack.InviteAgent("1001", "601", "Tone", Offer)!;
        SipCallEnd? ended = null;
        var digits = new List<char>();
        call.Ended += e => ended = e;
        call.DtmfInfo += (d, _) => digits.Add(d);
        var invite = ua.Flow.Requests("INVITE").Single();
        ua.Respond(invite, 200, "OK", "t1", BrowserAnswer);

        SendInDialog(h, ua, invite, "INFO", 1, "application/dtmf-relay", "Signal=9\r\nDuration=100\r\n");
        SendInDialog(h, ua, invite, "BYE", 2, null, null);

        Assert.Equal(['9'], digits);
        Assert.Equal(SipCallEndReason.RemoteBye, ended!.Reason);
        Assert.Equal(200, ua.Flow.Responses("BYE").Single().StatusCode);
        AssertNothingLeft(h);
    }

    [Fact]
    public void Tabs_closing_while_ringing_reject_the_call_with_480()
    {
        using var h = new StackHarness();
        var tab1 = new BrowserUa(h, h.Connect("f1"), "1001");
        var tab2 = new BrowserUa(h, h.Connect("f2"), "1001");
        tab1.Register();
        tab2.Register();
        var call = h.Stack.InviteAgent("1001", "601", "Tone", Offer)!;
        (int Code, string Phrase)? rejected = null;
        call.Rejected += (c, p) => rejected = (c, p);
        tab1.Respond(tab1.Flow.Requests("INVITE").Single(), 180, "Ringing", "t1");

        h.Stack.OnFlowClosed(tab1.Flow);
        Assert.Null(rejected);
        h.Stack.OnFlowClosed(tab2.Flow);

        Assert.Equal(480, rejected!.Value.Code);
        AssertNothingLeft(h);
    }

    [Fact]
    public void Over_udp_the_invite_is_retransmitted_on_timer_a_until_a_provisional()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("u1", reliable: false), "1001");
        ua.Register();
        h.Stack.InviteAgent("1001", "601", "Tone", Offer);

        h.Time.Advance(TimeSpan.FromMilliseconds(510));
        Assert.Equal(2, ua.Flow.Requests("INVITE").Count);
        h.Time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(3, ua.Flow.Requests("INVITE").Count);

        ua.Respond(ua.Flow.Requests("INVITE")[0], 180, "Ringing", "t1");
        h.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, ua.Flow.Requests("INVITE").Count);
        Assert.All(ua.Flow.Requests("INVITE"), i => Assert.Equal(ua.Flow.Requests("INVITE")[0].TopVia!.Branch, i.TopVia!.Branch));
    }

    [Fact]
    public void Retransmitted_200_is_acked_again()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Register();
        h.Stack.InviteAgent("1001", "601", "Tone", Offer);
        var invite = ua.Flow.Requests("INVITE").Single();

        ua.Respond(invite, 200, "OK", "t1", BrowserAnswer);
        ua.Respond(invite, 200, "OK", "t1", BrowserAnswer);

        Assert.Equal(2, ua.Flow.Requests("ACK").Count);
    }

    /// <summary>A request from the browser inside the dialog we created (the browser's From is our To).</summary>
    private static void SendInDialog(StackHarness h, BrowserUa ua, SipRequest invite, string method, uint cseq, string? contentType, string? body)
    {
        var request = new SipRequest(method, "sip:pbxbridge@pbxbridge.invalid;transport=ws");
        request.Headers.Add(SipHeaderNames.Via, ua.Via(BrowserUa.NewBranch()));
        request.Headers.Add(SipHeaderNames.MaxForwards, "69");
        request.Headers.Add(SipHeaderNames.To, invite.Headers.Get(SipHeaderNames.From)!);
        request.Headers.Add(SipHeaderNames.From, invite.Headers.Get(SipHeaderNames.To)! + ";tag=t1");
        request.Headers.Add(SipHeaderNames.CallId, invite.CallId!);
        request.Headers.Add(SipHeaderNames.CSeq, cseq + " " + method);
        if (contentType is not null)
        {
            request.Headers.Add(SipHeaderNames.ContentType, contentType);
            request.BodyText = body!;
        }

        h.Stack.OnMessageReceived(ua.Flow, request.ToBytes());
    }
}
