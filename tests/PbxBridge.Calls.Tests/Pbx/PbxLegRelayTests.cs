using System.Net;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests;

/// <summary>The contract's promise, kept in one place for every adapter: each event at most once, nothing after the
/// hangup, and what happened before Attach replayed in order.</summary>
public sealed class PbxLegRelayTests
{
    private static readonly PbxMediaAnswer Media = new(new IPEndPoint(IPAddress.Loopback, 4000), PbxCodec.Pcmu);

    [Fact]
    public void Ringing_media_and_answer_reach_the_observer_once_each_and_nothing_follows_the_hangup()
    {
        var observer = new EventLog();
        var relay = new PbxLegRelay(observer);

        relay.Ringing();
        relay.Ringing();
        relay.MediaReady(Media);
        relay.MediaReady(Media);
        relay.Answered();
        relay.Answered();
        relay.Dtmf('1', TimeSpan.FromMilliseconds(100));
        relay.Dtmf('1', TimeSpan.FromMilliseconds(100));
        relay.PbxHold(true);
        relay.PbxHold(false);
        Assert.True(relay.Hangup(PbxCause.NormalClearing));
        Assert.False(relay.Hangup(PbxCause.UserBusy));
        relay.Ringing();
        relay.Dtmf('2', TimeSpan.FromMilliseconds(100));
        relay.PbxHold(true);

        Assert.Equal(["ringing", "media", "answered", "dtmf 1", "dtmf 1", "hold True", "hold False", "hangup 16"], observer.Events);
        Assert.True(relay.HasEnded);
        Assert.True(relay.HasAnswered);
    }

    [Fact]
    public void What_happened_before_attach_is_replayed_in_order_then_events_flow_live()
    {
        var relay = new PbxLegRelay();
        relay.Ringing();
        relay.Dtmf('5', TimeSpan.FromMilliseconds(80));
        relay.MediaReady(Media);
        var observer = new EventLog();

        relay.Attach(observer);
        Assert.Equal(["ringing", "dtmf 5", "media"], observer.Events);
        relay.Answered();
        Assert.Equal(["ringing", "dtmf 5", "media", "answered"], observer.Events);
        Assert.Throws<InvalidOperationException>(() => relay.Attach(new EventLog()));
    }

    [Fact]
    public void A_hangup_before_attach_is_replayed_and_ends_the_leg()
    {
        var relay = new PbxLegRelay();
        relay.Ringing();
        Assert.True(relay.Hangup(PbxCause.OriginatorCancel));
        relay.Answered();
        var observer = new EventLog();

        relay.Attach(observer);

        Assert.Equal(["ringing", "hangup 487"], observer.Events);
    }

    [Fact]
    public void Our_own_hangup_ends_the_leg_without_a_report()
    {
        var observer = new EventLog();
        var relay = new PbxLegRelay(observer);
        relay.Answered();

        Assert.True(relay.EndQuietly());
        Assert.False(relay.Hangup(PbxCause.NormalClearing));
        relay.Dtmf('9', TimeSpan.FromMilliseconds(100));

        Assert.Equal(["answered"], observer.Events);
    }

    [Fact]
    public void An_observer_that_throws_is_reported_and_the_next_event_still_arrives()
    {
        var failures = new List<Exception>();
        var observer = new EventLog { ThrowOn = "ringing" };
        var relay = new PbxLegRelay(observer, failures.Add);

        relay.Ringing();
        relay.Answered();

        Assert.Single(failures);
        Assert.Equal(["ringing", "answered"], observer.Events);
    }

    private sealed class EventLog : IPbxLegObserver
    {
        public List<string> Events { get; } = [];

        public string? ThrowOn { get; init; }

        public void OnRinging() => Add("ringing");

        public void OnMediaReady(PbxMediaAnswer media) => Add("media");

        public void OnAnswered() => Add("answered");

        public void OnDtmf(char digit, TimeSpan duration) => Add("dtmf " + digit);

        public void OnPbxHold(bool held) => Add("hold " + held);

        public void OnHangup(PbxCause cause) => Add("hangup " + cause.Q850);

        private void Add(string e)
        {
            Events.Add(e);
            if (e == ThrowOn)
            {
                throw new InvalidOperationException("observer failed on " + e);
            }
        }
    }
}
