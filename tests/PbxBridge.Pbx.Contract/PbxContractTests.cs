using PbxBridge.Calls.Pbx;

namespace PbxBridge.Pbx.Contract;

/// <summary>
/// <see cref="IPbx"/>'s contract as the Calls room relies on it, the same test for every adapter: ringing, media,
/// answer and hangup at most once each, nothing after the hangup, and what happened on an inbound call before
/// <see cref="InboundPbxCall.Attach"/> replayed to the observer. A derived class says how to start its PBX; one whose PBX is not installed here
/// skips from <see cref="StartAsync"/> with <c>Skip.If</c>, saying why.
/// </summary>
public abstract class PbxContractTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    protected abstract Task<IPbxUnderTest> StartAsync();

    [SkippableFact]
    public async Task Outbound_call_reports_each_milestone_at_most_once_and_nothing_after_the_hangup()
    {
        await using var pbx = await StartAsync();
        var observer = new RecordingObserver();
        var request = new OutboundCallRequest("contract-1", "1001", "Agent One", pbx.AnsweringDestination, pbx.Media, observer);

        var leg = await pbx.Pbx.PlaceCallAsync(request, CancellationToken.None).WaitAsync(Wait);
        await observer.Answered.Task.WaitAsync(Wait);
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None).WaitAsync(Wait);
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None).WaitAsync(Wait);
        await SettleAsync();

        var events = observer.Events;
        Assert.InRange(events.Count(e => e == "ringing"), 0, 1);
        Assert.Equal(1, events.Count(e => e == "media"));
        Assert.Equal(1, events.Count(e => e == "answered"));
        Assert.InRange(observer.HangupCount, 0, 1);
        Assert.True(observer.HangupCount == 0 || events[^1].StartsWith("hangup", StringComparison.Ordinal), string.Join(", ", events));
    }

    [SkippableFact]
    public async Task Inbound_call_the_pbx_ended_before_attach_is_replayed_to_the_observer_once()
    {
        await using var pbx = await StartAsync();
        await pbx.CallAgentAsync("1001");
        var call = await pbx.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        await pbx.EndFromPbxAsync(call);
        var observer = new RecordingObserver();
        call.Attach(observer);

        // Replayed inside Attach: no waiting for it.
        Assert.Equal(1, observer.HangupCount);
        await call.HangupAsync(PbxCause.NormalClearing, CancellationToken.None).WaitAsync(Wait);
        await SettleAsync();
        Assert.Equal(1, observer.HangupCount);
        Assert.DoesNotContain("answered", observer.Events);
    }

    [SkippableFact]
    public async Task Inbound_call_answered_then_ended_by_the_pbx_reports_media_answer_and_hangup_once_each()
    {
        await using var pbx = await StartAsync();
        await pbx.CallAgentAsync("1001");
        var call = await pbx.Inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var observer = new RecordingObserver();
        call.Attach(observer);

        await call.RingAsync(CancellationToken.None).WaitAsync(Wait);
        await call.AnswerAsync(pbx.Media, CancellationToken.None).WaitAsync(Wait);
        await observer.Answered.Task.WaitAsync(Wait);
        await pbx.EndFromPbxAsync(call);
        await observer.HungUp.Task.WaitAsync(Wait);
        await call.HangupAsync(PbxCause.NormalClearing, CancellationToken.None).WaitAsync(Wait);
        await SettleAsync();

        var events = observer.Events;
        Assert.Equal(1, events.Count(e => e == "media"));
        Assert.Equal(1, events.Count(e => e == "answered"));
        Assert.Equal(1, observer.HangupCount);
        Assert.StartsWith("hangup", events[^1], StringComparison.Ordinal);
    }

    /// <summary>Lets late events (a BYE's answer, HANGUP_COMPLETE, ChannelDestroyed) arrive before counting: the
    /// promise is about what never comes, so there is nothing to await.</summary>
    private static Task SettleAsync() => Task.Delay(TimeSpan.FromMilliseconds(300));
}
