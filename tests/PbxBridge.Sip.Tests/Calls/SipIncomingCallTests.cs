using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Calls;

public sealed class SipIncomingCallTests
{
    internal const string Offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendrecv\r\n";
    internal const string Answer = "v=0\r\no=pbxbridge 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 UDP/TLS/RTP/SAVPF 111\r\na=sendrecv\r\n";

    private static (StackHarness H, BrowserUa Ua) Registered(BrowserFlavor flavor = BrowserFlavor.JsSip, bool reliable = true)
    {
        var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1", reliable), "1001", flavor);
        Assert.Equal(200, ua.Register().StatusCode);
        ua.Flow.Clear();
        return (h, ua);
    }

    private static void AssertNothingLeft(StackHarness h)
    {
        Assert.Equal(0, h.Stack.Counters.Dialogs);
        Assert.Equal(0, h.Stack.Counters.Transactions);
        Assert.Equal(0, h.Stack.Counters.Timers);
    }

    [Theory]
    [InlineData(BrowserFlavor.JsSip)]
    [InlineData(BrowserFlavor.SipJs)]
    public void Invite_on_the_registered_flow_rings_answers_and_ends_on_browser_bye(BrowserFlavor flavor)
    {
        var (h, ua) = Registered(flavor);
        using var _ = h;
        SipCallEnd? ended = null;
        h.Handler.OnCall = c =>
        {
            c.Ended += e => ended = e;
            c.SendRinging();
            c.Accept(Answer);
        };

        var call = ua.Invite("600", Offer);

        var incoming = Assert.Single(h.Handler.Calls);
        Assert.Equal("1001", incoming.AgentId);
        Assert.Equal("600", incoming.Destination);
        Assert.Equal(Offer, incoming.OfferSdp);
        var responses = ua.Flow.Responses("INVITE");
        Assert.Equal([100, 180, 200], responses.Select(r => r.StatusCode));
        var ok = responses[2];
        Assert.Equal(Answer, ok.BodyText);
        Assert.Equal("application/sdp", ok.ContentType);
        Assert.NotNull(ok.To!.Tag);
        Assert.Equal(ok.To.Tag, responses[1].To!.Tag);
        Assert.NotEmpty(ok.Contacts);
        Assert.Equal([ua.Via(call.Branch)], ok.Headers.GetFieldValues(SipHeaderNames.Via));
        call.ToTag = ok.To.Tag;

        ua.InDialog(call, "ACK", call.CSeq);
        ua.InDialog(call, "BYE", call.CSeq + 1);

        Assert.Equal(200, ua.Flow.Responses("BYE").Single().StatusCode);
        Assert.Equal(SipCallEndReason.RemoteBye, ended!.Reason);
        AssertNothingLeft(h);
    }

    [Fact]
    public void Invite_from_a_flow_without_registration_is_challenged_with_407_then_accepted()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");

        var first = ua.Invite("601", Offer);
        var challenge = ua.Flow.Responses("INVITE").Last();
        Assert.Equal(407, challenge.StatusCode);
        Assert.Empty(h.Handler.Calls);
        ua.AckFailure(first, challenge.To!.Tag!);

        ua.Invite("601", Offer, authorization: ua.Authorize(challenge, "INVITE", "sip:601@pbxbridge"), retryOf: first);

        Assert.Equal("1001", Assert.Single(h.Handler.Calls).AgentId);
    }

    [Fact]
    public void Cancel_before_answer_gets_200_and_487_and_ends_the_call()
    {
        var (h, ua) = Registered();
        using var _ = h;
        SipCallEnd? ended = null;
        h.Handler.OnCall = c =>
        {
            c.Ended += e => ended = e;
            c.SendRinging();
        };
        var call = ua.Invite("602", Offer);

        ua.Cancel(call);

        Assert.Equal(200, ua.Flow.Responses("CANCEL").Single().StatusCode);
        var final = ua.Flow.Responses("INVITE").Last();
        Assert.Equal(487, final.StatusCode);
        Assert.Equal(SipCallEndReason.Cancelled, ended!.Reason);
        ua.AckFailure(call, final.To!.Tag!);
        AssertNothingLeft(h);

        // The Calls room may still try to answer: it must be a no-op.
        h.Handler.Calls[0].Accept(Answer);
        Assert.Equal(487, ua.Flow.Responses("INVITE").Last().StatusCode);
    }

    [Fact]
    public void Reject_carries_the_q850_reason_and_its_ack_is_absorbed()
    {
        var (h, ua) = Registered();
        using var _ = h;
        h.Handler.OnCall = c => c.Reject(486, "Busy Here", "17");
        var call = ua.Invite("603", Offer);

        var busy = ua.Flow.Responses("INVITE").Last();
        Assert.Equal(486, busy.StatusCode);
        Assert.Equal("Q.850;cause=17;text=\"Busy Here\"", busy.Headers.Get(SipHeaderNames.Reason));
        Assert.Equal(1, h.Stack.Counters.Transactions);

        ua.AckFailure(call, busy.To!.Tag!);

        AssertNothingLeft(h);
        Assert.Empty(ua.Flow.Requests("BYE"));
    }

    [Fact]
    public void Reinvite_for_hold_goes_to_the_reoffer_handler_and_is_answered()
    {
        var (h, ua) = Registered();
        using var _ = h;
        string? heldOffer = null;
        h.Handler.OnCall = c =>
        {
            c.ReofferHandler = sdp =>
            {
                heldOffer = sdp;
                return SipReofferResult.Answer(Answer.Replace("sendrecv", "recvonly", StringComparison.Ordinal));
            };
            c.Accept(Answer);
        };
        var call = ua.InviteAndAck("600", Offer);

        var hold = Offer.Replace("sendrecv", "sendonly", StringComparison.Ordinal);
        ua.InDialog(call, "INVITE", call.CSeq + 1, "application/sdp", hold);

        Assert.Equal(hold, heldOffer);
        var ok = ua.Flow.Responses("INVITE").Last();
        Assert.Equal(200, ok.StatusCode);
        Assert.Contains("a=recvonly", ok.BodyText, StringComparison.Ordinal);
        ua.InDialog(call, "ACK", call.CSeq + 1);
        Assert.Equal(1, h.Stack.Counters.Dialogs);
    }

    [Fact]
    public void Reinvite_without_a_handler_gets_488_and_the_call_survives()
    {
        var (h, ua) = Registered();
        using var _ = h;
        h.Handler.OnCall = c => c.Accept(Answer);
        var call = ua.InviteAndAck("600", Offer);

        ua.InDialog(call, "INVITE", call.CSeq + 1, "application/sdp", Offer);

        Assert.Equal(488, ua.Flow.Responses("INVITE").Last().StatusCode);
        Assert.Equal(1, h.Stack.Counters.Dialogs);
    }

    [Fact]
    public void Session_timer_is_granted_to_jssip_refreshed_by_update_and_ends_the_call_when_refreshes_stop()
    {
        var (h, ua) = Registered();
        using var _ = h;
        SipCallEnd? ended = null;
        h.Handler.OnCall = c =>
        {
            c.Ended += e => ended = e;
            c.Accept(Answer);
        };
        var call = ua.Invite("600", Offer);
        var ok = ua.Flow.Responses("INVITE").Last();
        Assert.Equal("90;refresher=uac", ok.Headers.Get(SipHeaderNames.SessionExpires));
        Assert.Equal("timer", ok.Headers.Get(SipHeaderNames.Require));
        call.ToTag = ok.To!.Tag;
        ua.InDialog(call, "ACK", call.CSeq);

        // JsSIP refreshes at half the interval with a body-less UPDATE.
        h.Time.Advance(TimeSpan.FromSeconds(45));
        ua.InDialog(call, "UPDATE", call.CSeq + 1, extraHeaders: "Session-Expires: 90;refresher=uac\r\n");
        var refreshed = ua.Flow.Responses("UPDATE").Single();
        Assert.Equal(200, refreshed.StatusCode);
        Assert.Equal("90;refresher=uac", refreshed.Headers.Get(SipHeaderNames.SessionExpires));
        h.Time.Advance(TimeSpan.FromSeconds(45));
        Assert.Null(ended);

        // No more refreshes: we hang up before the interval runs out (RFC 4028 §10).
        h.Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(SipCallEndReason.SessionExpired, ended!.Reason);
        Assert.Single(ua.Flow.Requests("BYE"));
    }

    [Fact]
    public void Session_expires_below_min_se_gets_422_with_min_se()
    {
        var (h, ua) = Registered();
        using var _ = h;

        ua.Invite("600", Offer, sessionExpires: 30);

        var tooSmall = ua.Flow.Responses("INVITE").Last();
        Assert.Equal(422, tooSmall.StatusCode);
        Assert.Equal("90", tooSmall.Headers.Get(SipHeaderNames.MinSe));
        Assert.Empty(h.Handler.Calls);
    }

    /// <summary>RFC 4028 §6 in the dialog as at its start: a refresh asking for less than our Min-SE gets 422 with
    /// Min-SE, and the call and its timer go on.</summary>
    [Fact]
    public void An_update_whose_session_expires_is_below_min_se_gets_422_and_the_call_goes_on()
    {
        var (h, ua) = Registered();
        using var _ = h;
        SipCallEnd? ended = null;
        h.Handler.OnCall = c =>
        {
            c.Ended += e => ended = e;
            c.Accept(Answer);
        };
        var call = ua.InviteAndAck("600", Offer);

        ua.InDialog(call, "UPDATE", call.CSeq + 1, extraHeaders: "Session-Expires: 30;refresher=uac\r\n");

        var tooSmall = ua.Flow.Responses("UPDATE").Single();
        Assert.Equal(422, tooSmall.StatusCode);
        Assert.Equal("90", tooSmall.Headers.Get(SipHeaderNames.MinSe));
        Assert.Null(ended);
        Assert.False(h.Handler.Calls.Single().IsEnded);
    }

    [Theory]
    [InlineData("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5', 160)]
    [InlineData("application/dtmf-relay", "Signal=11\r\nDuration=100\r\n", '#', 100)]
    [InlineData("application/dtmf", "7", '7', 250)]
    public void Info_with_dtmf_raises_the_digit(string contentType, string body, char digit, int durationMs)
    {
        var (h, ua) = Registered();
        using var _ = h;
        var received = new List<(char, TimeSpan)>();
        h.Handler.OnCall = c =>
        {
            c.DtmfInfo += (d, t) => received.Add((d, t));
            c.Accept(Answer);
        };
        var call = ua.InviteAndAck("600", Offer);

        ua.InDialog(call, "INFO", call.CSeq + 1, contentType, body);

        Assert.Equal(200, ua.Flow.Responses("INFO").Single().StatusCode);
        Assert.Equal([(digit, TimeSpan.FromMilliseconds(durationMs))], received);
    }

    [Fact]
    public void Missing_ack_ends_the_call_after_64_t1_with_a_bye()
    {
        var (h, ua) = Registered();
        using var _ = h;
        SipCallEnd? ended = null;
        h.Handler.OnCall = c =>
        {
            c.Ended += e => ended = e;
            c.Accept(Answer);
        };
        ua.Invite("600", Offer, sessionTimer: false);

        h.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(ended);
        h.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(SipCallEndReason.AckTimeout, ended!.Reason);
        Assert.Single(ua.Flow.Requests("BYE"));
    }

    [Fact]
    public void Over_udp_the_200_is_retransmitted_until_the_ack()
    {
        var (h, ua) = Registered(reliable: false);
        using var _ = h;
        h.Handler.OnCall = c => c.Accept(Answer);
        var call = ua.Invite("600", Offer, sessionTimer: false);
        Assert.Single(ua.Flow.Responses("INVITE"), r => r.StatusCode == 200);

        h.Time.Advance(TimeSpan.FromMilliseconds(500 + 1000 + 2000 + 10));

        Assert.Equal(4, ua.Flow.Responses("INVITE").Count(r => r.StatusCode == 200));
        call.ToTag = ua.Flow.Responses("INVITE").Last().To!.Tag;
        ua.InDialog(call, "ACK", call.CSeq);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, ua.Flow.Responses("INVITE").Count(r => r.StatusCode == 200));
    }

    [Fact]
    public void Hangup_sends_bye_and_the_browsers_200_completes_it()
    {
        var (h, ua) = Registered();
        using var _ = h;
        h.Handler.OnCall = c => c.Accept(Answer);
        var call = ua.InviteAndAck("600", Offer);

        h.Handler.Calls[0].Hangup();

        var bye = Assert.Single(ua.Flow.Requests("BYE"));
        Assert.Equal(call.CallId, bye.CallId);
        Assert.Equal(call.FromTag, bye.To!.Tag);
        Assert.Equal(call.ToTag, bye.From!.Tag);
        Assert.Equal(ua.ContactUri + ";ob", bye.RequestUri);
        ua.Respond(bye, 200, "OK");
        AssertNothingLeft(h);
    }

    [Fact]
    public void Closing_the_websocket_ends_the_call_with_transport_closed_once_the_reconnect_grace_has_passed()
    {
        var (h, ua) = Registered();
        using var _ = h;
        SipCallEnd? ended = null;
        h.Handler.OnCall = c =>
        {
            c.Ended += e => ended = e;
            c.Accept(Answer);
        };
        var call = ua.InviteAndAck("600", Offer);

        ua.Flow.IsOpen = false;
        h.Stack.OnFlowClosed(ua.Flow);
        Assert.Empty(h.Stack.Registrations);
        h.Time.Advance(h.Stack.Options.ReconnectGrace - TimeSpan.FromSeconds(1));
        Assert.Null(ended);

        h.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(SipCallEndReason.TransportClosed, ended!.Reason);
        AssertNothingLeft(h);
    }

    [Fact]
    public void With_no_reconnect_grace_closing_the_websocket_ends_the_call_at_once()
    {
        var h = new StackHarness(o => o.ReconnectGrace = TimeSpan.Zero);
        using var _ = h;
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        Assert.Equal(200, ua.Register().StatusCode);
        SipCallEnd? ended = null;
        h.Handler.OnCall = c =>
        {
            c.Ended += e => ended = e;
            c.Accept(Answer);
        };
        var call = ua.InviteAndAck("600", Offer);

        ua.Flow.IsOpen = false;
        h.Stack.OnFlowClosed(ua.Flow);

        Assert.Equal(SipCallEndReason.TransportClosed, ended!.Reason);
        AssertNothingLeft(h);
    }

    /// <summary>
    /// Issue 23: Wi-Fi to 4G. The agent's WebSocket closes, it reconnects from elsewhere, registers, and re-INVITEs
    /// (ICE restart) on the new connection: the call stays, the offer reaches the handler, and what we send in the
    /// dialog afterwards (BYE) goes on the new connection.
    /// </summary>
    [Fact]
    public void An_agent_that_reconnects_and_re_invites_on_a_new_websocket_keeps_its_call_and_our_bye_follows_it()
    {
        var (h, ua) = Registered();
        using var _ = h;
        SipCallEnd? ended = null;
        SipCall? accepted = null;
        var reconnected = 0;
        var reoffers = new List<string>();
        h.Handler.OnCall = c =>
        {
            accepted = c;
            c.Ended += e => ended = e;
            c.Reconnected += () => reconnected++;
            c.ReofferHandler = offer =>
            {
                reoffers.Add(offer);
                return SipReofferResult.Answer(Answer);
            };
            c.Accept(Answer);
        };
        var call = ua.InviteAndAck("600", Offer);
        ua.Flow.IsOpen = false;
        h.Stack.OnFlowClosed(ua.Flow);

        var moved = new BrowserUa(h, h.Connect("f2", address: "198.51.100.7"), "1001");
        Assert.Equal(200, moved.Register().StatusCode);
        moved.Flow.Clear();
        moved.InDialog(call, "INVITE", call.CSeq + 1, "application/sdp", Offer);
        Assert.Equal(200, moved.Flow.Responses("INVITE").Single().StatusCode);
        moved.InDialog(call, "ACK", call.CSeq + 1);
        h.Time.Advance(h.Stack.Options.ReconnectGrace * 2);

        Assert.Null(ended);
        Assert.Single(reoffers);
        Assert.Equal(1, reconnected);
        Assert.Equal(1, h.Stack.Counters.DialogsMoved);
        accepted!.Hangup();
        var bye = moved.Flow.Requests("BYE").Single();
        Assert.Equal(call.CallId, bye.CallId);
        Assert.Empty(ua.Flow.Requests("BYE"));
    }

    [Fact]
    public void Another_agent_on_its_own_websocket_still_gets_481_for_a_dialog_whose_connection_closed()
    {
        var (h, ua) = Registered();
        using var _ = h;
        SipCallEnd? ended = null;
        h.Handler.OnCall = c =>
        {
            c.Ended += e => ended = e;
            c.Accept(Answer);
        };
        var call = ua.InviteAndAck("600", Offer);
        ua.Flow.IsOpen = false;
        h.Stack.OnFlowClosed(ua.Flow);

        var stranger = new BrowserUa(h, h.Connect("f2"), "1002");
        Assert.Equal(200, stranger.Register().StatusCode);
        stranger.Flow.Clear();
        stranger.InDialog(call, "INVITE", call.CSeq + 1, "application/sdp", Offer);

        Assert.Equal(481, stranger.Flow.Responses("INVITE").Single().StatusCode);
        Assert.Equal(0, h.Stack.Counters.DialogsMoved);
        h.Time.Advance(h.Stack.Options.ReconnectGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(SipCallEndReason.TransportClosed, ended!.Reason);
    }

    [Fact]
    public void Ended_is_raised_once_even_when_bye_and_close_race()
    {
        var (h, ua) = Registered();
        using var _ = h;
        var count = 0;
        h.Handler.OnCall = c =>
        {
            c.Ended += _ => count++;
            c.Accept(Answer);
        };
        var call = ua.InviteAndAck("600", Offer);

        ua.InDialog(call, "BYE", call.CSeq + 1);
        h.Stack.OnFlowClosed(ua.Flow);

        Assert.Equal(1, count);
    }
}
