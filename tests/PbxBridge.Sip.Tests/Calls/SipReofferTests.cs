using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;

namespace PbxBridge.Sip.Tests.Calls;

/// <summary>
/// Our own re-INVITE in an established dialog (RFC 3261 §14.1), as the PBX's hold sends it to the browser: the
/// in-dialog request and its ACK, glare both ways (§14.1 timers on the fake clock, §14.2's 491), a browser that
/// rejects it, and one that lost the dialog.
/// </summary>
public sealed class SipReofferTests
{
    private const string HoldOffer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 UDP/TLS/RTP/SAVPF 111\r\na=sendonly\r\n";
    private const string HoldAnswer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=recvonly\r\n";

    /// <summary>A call the browser placed, answered and ACKed; its SIP call records what re-offers it made and got back.</summary>
    private sealed class Established : IDisposable
    {
        public Established(bool ack = true)
        {
            var ua = new BrowserUa(H, H.Connect("f1"), "1001");
            ua.Register();
            Ua = ua;
            H.Handler.OnCall = c =>
            {
                c.ReofferSource = () => Offers.Count < Wanted ? Next() : null;
                c.ReofferAnswered = answer =>
                {
                    Answers.Add(answer);
                    return true;
                };
                c.ReofferRejected += (status, _) => Rejections.Add(status);
                c.Ended += e => Ended = e;
                c.Accept(SipIncomingCallTests.Answer);
            };
            Call = ua.Invite("600", SipIncomingCallTests.Offer);
            Call.ToTag = ua.Flow.Responses("INVITE").Last().To!.Tag;
            Sip = H.Handler.Calls.Single();
            if (ack)
            {
                Ack();
            }

            ua.Flow.Clear();
        }

        public StackHarness H { get; } = new();

        public BrowserUa Ua { get; }

        public BrowserCall Call { get; }

        public SipIncomingCall Sip { get; }

        public List<string> Offers { get; } = [];

        public List<string> Answers { get; } = [];

        public List<int> Rejections { get; } = [];

        public SipCallEnd? Ended { get; private set; }

        /// <summary>How many offers the call above wants to have made in all.</summary>
        public int Wanted { get; set; } = 1;

        public void Ack() => Ua.InDialog(Call, "ACK", Call.CSeq);

        public List<SipRequest> Invites => Ua.Flow.Requests("INVITE");

        public void Dispose() => H.Dispose();

        private string Next()
        {
            Offers.Add(HoldOffer);
            return HoldOffer;
        }
    }

    [Fact]
    public void The_reoffer_goes_in_the_dialog_with_the_next_cseq_and_its_2xx_is_acked_with_that_cseq()
    {
        using var e = new Established();

        e.Sip.RequestReoffer();

        var invite = Assert.Single(e.Invites);
        Assert.Equal(e.Call.CallId, invite.CallId);
        Assert.Equal(e.Call.FromTag, invite.To!.Tag);
        Assert.Equal(e.Call.ToTag, invite.From!.Tag);
        Assert.StartsWith(e.Ua.ContactUri, invite.RequestUri, StringComparison.Ordinal);
        Assert.Equal(HoldOffer, invite.BodyText);
        Assert.Equal("application/sdp", invite.ContentType);
        Assert.True(invite.CSeq!.Value.Number >= 1);

        e.Ua.Respond(invite, 200, "OK", invite.To!.Tag, HoldAnswer);

        var ack = Assert.Single(e.Ua.Flow.Requests("ACK"));
        Assert.Equal(invite.CSeq!.Value.Number, ack.CSeq!.Value.Number);
        Assert.NotEqual(invite.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.Equal([HoldAnswer], e.Answers);
        Assert.Empty(e.Rejections);

        // A retransmitted 2xx (the transaction is over) gets the same ACK again.
        e.Ua.Respond(invite, 200, "OK", invite.To!.Tag, HoldAnswer);
        Assert.Equal(2, e.Ua.Flow.Requests("ACK").Count);
        Assert.Equal(0, e.H.Stack.Counters.Transactions);
    }

    [Fact]
    public void A_reoffer_asked_for_before_the_ack_of_the_initial_invite_waits_for_it()
    {
        using var e = new Established(ack: false);

        e.Sip.RequestReoffer();
        Assert.Empty(e.Invites);

        e.Ack();

        Assert.Single(e.Invites);
    }

    [Fact]
    public void The_browsers_offer_while_ours_is_pending_gets_491_and_ours_goes_on()
    {
        using var e = new Established();
        e.Sip.RequestReoffer();
        var ours = Assert.Single(e.Invites);

        e.Ua.InDialog(e.Call, "INVITE", e.Call.CSeq + 1, "application/sdp", SipIncomingCallTests.Offer);

        Assert.Equal(491, e.Ua.Flow.Responses("INVITE").Single().StatusCode);
        e.Ua.Respond(ours, 200, "OK", ours.To!.Tag, HoldAnswer);
        Assert.Equal([HoldAnswer], e.Answers);
    }

    /// <summary>§14.1: the browser chose the Call-ID, so after a 491 we wait 0-2 s (in 10 ms steps) and try once more.</summary>
    [Fact]
    public void A_491_is_retried_within_two_seconds_when_the_browser_chose_the_call_id()
    {
        using var e = new Established { Wanted = 2 };
        e.Sip.RequestReoffer();
        var first = Assert.Single(e.Invites);

        e.Ua.Respond(first, 491, "Request Pending", first.To!.Tag);

        Assert.Single(e.Invites);
        Assert.Equal(1, e.Sip.GlareRetries);
        Assert.Single(e.Ua.Flow.Requests("ACK"));
        e.H.Time.Advance(TimeSpan.FromMilliseconds(2001));
        Assert.Equal(2, e.Invites.Count);
        Assert.True(e.Invites[1].CSeq!.Value.Number > first.CSeq!.Value.Number);
        Assert.Empty(e.Rejections);
    }

    /// <summary>§14.1: we chose the Call-ID (we invited the browser), so the retry waits 2.1-4 s.</summary>
    [Fact]
    public void A_491_is_retried_after_2_1_to_4_seconds_when_we_chose_the_call_id()
    {
        using var h = new StackHarness();
        var ua = new BrowserUa(h, h.Connect("f1"), "1001");
        ua.Register();
        var call = h.Stack.InviteAgent("1001", "5551234", "Customer", SipIncomingCallTests.Answer)!;
        var offers = 0;
        call.ReofferSource = () => offers++ < 2 ? HoldOffer : null;
        var initial = Assert.Single(ua.Flow.Requests("INVITE"));
        ua.Respond(initial, 200, "OK", "browser-tag", SipIncomingCallTests.Offer);
        ua.Flow.Clear();

        call.RequestReoffer();
        var first = Assert.Single(ua.Flow.Requests("INVITE"));
        Assert.Equal(2u, first.CSeq!.Value.Number);
        ua.Respond(first, 491, "Request Pending", "browser-tag");

        h.Time.Advance(TimeSpan.FromMilliseconds(2090));
        Assert.Single(ua.Flow.Requests("INVITE"));
        h.Time.Advance(TimeSpan.FromMilliseconds(1911));
        Assert.Equal(2, ua.Flow.Requests("INVITE").Count);
        Assert.Equal(3u, ua.Flow.Requests("INVITE")[1].CSeq!.Value.Number);
    }

    [Fact]
    public void A_browser_that_rejects_the_reoffer_keeps_the_call_and_the_rejection_is_reported()
    {
        using var e = new Established();
        e.Sip.RequestReoffer();
        var invite = Assert.Single(e.Invites);

        e.Ua.Respond(invite, 488, "Not Acceptable Here", invite.To!.Tag);

        Assert.Equal([488], e.Rejections);
        Assert.Null(e.Ended);
        Assert.False(e.Sip.IsEnded);
        Assert.Empty(e.Ua.Flow.Requests("BYE"));

        // The dialog still works: the browser's BYE ends it.
        e.Ua.InDialog(e.Call, "BYE", e.Call.CSeq + 1);
        Assert.Equal(SipCallEndReason.RemoteBye, e.Ended!.Reason);
    }

    [Theory]
    [InlineData(481)]
    [InlineData(408)]
    public void A_browser_that_lost_the_dialog_ends_the_call(int status)
    {
        using var e = new Established();
        e.Sip.RequestReoffer();
        var invite = Assert.Single(e.Invites);

        e.Ua.Respond(invite, status, "Gone", invite.To!.Tag);

        Assert.Equal(SipCallEndReason.DialogLost, e.Ended!.Reason);
        Assert.Single(e.Ua.Flow.Requests("BYE"));
    }

    [Fact]
    public void Nothing_is_sent_when_the_call_has_nothing_to_offer()
    {
        using var e = new Established { Wanted = 0 };

        e.Sip.RequestReoffer();

        Assert.Empty(e.Invites);
    }
}
