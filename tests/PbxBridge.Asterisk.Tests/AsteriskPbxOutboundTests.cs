using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests;

public sealed class AsteriskPbxOutboundTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Call_to_tone_extension_reports_media_then_answer_and_the_tone_arrives_from_the_unicastrtp_address()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();

        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);

        var remote = await observer.MediaReady.Task.WaitAsync(Wait);
        await observer.Answered.Task.WaitAsync(Wait);
        Assert.Equal(PbxCodec.Pcmu, observer.Media!.Codec);
        Assert.Equal(bed.Sim.FirstExternalMedia()!.LocalEndPoint, remote);
        Assert.True(await bed.Rtp.WaitForPacketsAsync(25, Wait));
        Assert.All(bed.Rtp.Received, p => Assert.Equal(remote, p.Source));
        Assert.All(bed.Rtp.Received, p => Assert.Equal(172, p.Packet.Length));
        Assert.True(bed.Rtp.ToneRatio(1004) > 0.8, $"1004 Hz ratio {bed.Rtp.ToneRatio(1004)}");
        Assert.True(bed.Rtp.ToneRatio(440) < 0.05);
        Assert.StartsWith("pbxbridge-", leg.PbxId, StringComparison.Ordinal);

        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);

        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task ExternalMedia_channel_is_bridged_after_its_StasisStart_even_when_that_comes_well_after_the_create_response()
    {
        // Real Asterisk answers 422 "Channel not in Stasis application" to an addChannel before the StasisStart.
        await using var bed = await AsteriskTestBed.StartAsync(simulator: o => o.ExternalMediaStasisStartDelay = TimeSpan.FromMilliseconds(700));
        var observer = new RecordingObserver();

        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);

        await observer.Answered.Task.WaitAsync(Wait);
        var externalMedia = leg.Details["externalMediaChannel"];
        Assert.Equal(leg.Details["bridge"], bed.Sim.BridgeOf(externalMedia));
        Assert.True(await bed.Rtp.WaitForPacketsAsync(25, Wait));
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Lost_StasisStart_of_the_externalmedia_channel_is_made_up_for_by_the_apps_channel_list()
    {
        await using var bed = await AsteriskTestBed.StartAsync(simulator: o => o.LoseExternalMediaStasisStart = true);
        bed.Pbx.ExternalMediaStasisTimeout = TimeSpan.FromMilliseconds(300);
        var observer = new RecordingObserver();

        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);

        await observer.Answered.Task.WaitAsync(Wait);
        Assert.Equal(leg.Details["bridge"], bed.Sim.BridgeOf(leg.Details["externalMediaChannel"]));
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task ExternalMedia_channel_that_never_enters_stasis_fails_the_call_by_name_and_leaves_nothing()
    {
        await using var bed = await AsteriskTestBed.StartAsync(simulator: o => o.ExternalMediaStasisStartDelay = TimeSpan.FromSeconds(30));
        bed.Pbx.ExternalMediaStasisTimeout = TimeSpan.FromMilliseconds(300);

        var e = await Assert.ThrowsAsync<PbxCallFailedException>(() => bed.Pbx.PlaceCallAsync(bed.Call("601", new RecordingObserver()), CancellationToken.None));

        Assert.Contains("did not enter Stasis", e.Message, StringComparison.Ordinal);
        Assert.True(await bed.NothingLeftAsync(), string.Join(",", bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds)));
    }

    [Fact]
    public async Task Echo_extension_returns_our_pcmu_byte_for_byte_because_the_far_leg_is_originated_with_our_format()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("600", observer), CancellationToken.None);
        var remote = await observer.MediaReady.Task.WaitAsync(Wait);
        await observer.Answered.Task.WaitAsync(Wait);

        var payload = Enumerable.Range(0, 160).Select(i => (byte)i).ToArray();
        for (var i = 0; i < 10; i++)
        {
            bed.Rtp.SendPcmu(remote, payload);
        }

        Assert.True(await bed.Rtp.WaitForPacketsAsync(10, Wait));
        Assert.All(bed.Rtp.Received, p => Assert.Equal(payload, p.Packet.AsSpan(12).ToArray()));
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    /// <summary>
    /// Progress()+Playtones before Answer (the simulator's 605, as recorded in create-dial-early-media-progress.jsonl):
    /// the far channel is bridged before it is dialed, so the tone reaches PbxBridge's RTP socket before the answer,
    /// and the adapter says so (183 with SDP toward the browser). An originated far channel would carry nothing until
    /// answered.
    /// </summary>
    [Fact]
    public async Task Early_media_before_the_answer_is_reported_and_its_tone_arrives_before_the_answer()
    {
        await using var bed = await AsteriskTestBed.StartAsync(simulator: o => o.EarlyMediaAnswerAfter = TimeSpan.FromHours(1));
        var observer = new EarlyMediaRecorder();

        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("605", observer), CancellationToken.None);

        await observer.EarlyMedia.Task.WaitAsync(Wait);
        Assert.True(await bed.Rtp.WaitForPacketsAsync(25, Wait));
        Assert.True(bed.Rtp.ToneRatio(1004) > 0.8, $"1004 Hz ratio {bed.Rtp.ToneRatio(1004)}");
        Assert.False(observer.Inner.Answered.Task.IsCompleted);
        Assert.Equal(["media"], observer.Inner.Events);

        await leg.HangupAsync(PbxCause.OriginatorCancel, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Early_media_call_answers_later_without_a_second_media_change()
    {
        await using var bed = await AsteriskTestBed.StartAsync(simulator: o => o.EarlyMediaAnswerAfter = TimeSpan.FromMilliseconds(300));
        var observer = new EarlyMediaRecorder();

        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("605", observer), CancellationToken.None);

        await observer.Inner.Answered.Task.WaitAsync(Wait);
        Assert.True(observer.EarlyMedia.Task.IsCompleted);
        Assert.Equal(["media", "ringing", "answered"], observer.Inner.Events);
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    /// <summary>
    /// Dial BUSY ends the dial attempt (as Dial() returns on it): the agent hears busy at once, not once the far end's
    /// dialplan stops indicating busy (Busy(5) kept the channel 5 s in the recording; here it would be an hour).
    /// </summary>
    [Fact]
    public async Task Busy_dial_status_ends_the_call_at_once_even_while_the_far_end_keeps_indicating_busy()
    {
        await using var bed = await AsteriskTestBed.StartAsync(simulator: o => o.BusyIndicationTime = TimeSpan.FromHours(1));
        var observer = new RecordingObserver();

        await bed.Pbx.PlaceCallAsync(bed.Call("603", observer), CancellationToken.None);

        Assert.Equal(PbxCause.UserBusy, await observer.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.NothingLeftAsync());
    }

    /// <summary>A far party whose channel driver reports its device's hold (ChannelHold / ChannelUnhold, as res_pjsip publishes them).</summary>
    [Fact]
    public async Task ChannelHold_and_ChannelUnhold_of_the_far_channel_reach_the_observer_as_the_pbxs_hold()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        bed.Sim.HoldFromFar(leg.PbxId, held: true);
        Assert.True(await observer.Holds.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        bed.Sim.HoldFromFar(leg.PbxId, held: false);
        Assert.False(await observer.Holds.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Busy_far_end_reports_cause_17_and_leaves_nothing_behind()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();

        await bed.Pbx.PlaceCallAsync(bed.Call("603", observer), CancellationToken.None);

        Assert.Equal(17, (await observer.HungUp.Task.WaitAsync(Wait)).Q850);
        Assert.False(observer.Answered.Task.IsCompleted);
        Assert.True(await bed.NothingLeftAsync());
        Assert.True(await bed.Sim.WaitUntilAsync(_ => bed.Pbx.ActiveCalls == 0, Wait));
    }

    [Fact]
    public async Task Number_missing_from_the_dialplan_reports_unallocated()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();

        await bed.Pbx.PlaceCallAsync(bed.Call("999", observer), CancellationToken.None);

        Assert.Equal(PbxCause.Unallocated, await observer.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Ringing_far_end_raises_ringing_and_the_agent_can_cancel()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();

        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("602", observer), CancellationToken.None);
        await observer.Ringing.Task.WaitAsync(Wait);
        await leg.HangupAsync(PbxCause.OriginatorCancel, CancellationToken.None);

        Assert.Equal(PbxCause.OriginatorCancel, await observer.HungUp.Task.WaitAsync(Wait));
        Assert.False(observer.Answered.Task.IsCompleted);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Far_end_hangup_deletes_the_externalmedia_channel_asterisk_would_keep_forever()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        bed.Sim.HangupFromPbx(leg.PbxId, 16);

        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.NothingLeftAsync(), string.Join(",", bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds)));
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.Equal(1, observer.HangupCount);
    }

    [Theory]
    [InlineData("600/../x")]
    [InlineData("600@other-context")]
    [InlineData("600&app=evil")]
    [InlineData("")]
    public async Task Destination_that_could_escape_the_dial_template_is_refused_before_any_request(string destination)
    {
        await using var bed = await AsteriskTestBed.StartAsync();

        var e = await Assert.ThrowsAsync<PbxCallFailedException>(() => bed.Pbx.PlaceCallAsync(bed.Call(destination, new RecordingObserver()), CancellationToken.None));

        Assert.Equal(PbxCause.Unallocated, e.Cause);
        Assert.Equal(0, bed.Sim.ChannelCount);
    }

    [Theory]
    [InlineData("/channels/externalMedia", 500)]
    [InlineData("/bridges", 500)]
    [InlineData("/bridges/*/addChannel", 404)]
    [InlineData("/channels/create", 500)]
    [InlineData("/channels/*/dial", 409)]
    public async Task Ari_error_during_setup_fails_fast_and_leaves_nothing(string path, int status)
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        bed.Sim.FailNext("POST", path, status);
        var observer = new RecordingObserver();
        var started = DateTime.UtcNow;

        var e = await Assert.ThrowsAsync<PbxCallFailedException>(() => bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
        Assert.Equal(PbxCause.NormalTemporaryFailure, e.Cause);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.True(await bed.NothingLeftAsync(), string.Join(",", bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds)));
        Assert.True(await bed.Sim.WaitUntilAsync(_ => bed.Pbx.ActiveCalls == 0, Wait));
    }

    [Fact]
    public async Task Dtmf_goes_both_ways()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        await leg.SendDtmfAsync('5', TimeSpan.FromMilliseconds(120), CancellationToken.None);
        bed.Sim.SendDtmfFromFar(leg.PbxId, '#');

        Assert.Equal(["5"], bed.Sim.DtmfSentTo(leg.PbxId));
        Assert.True(await bed.Sim.WaitUntilAsync(_ => observer.Digits.Any(d => d.Digit == '#'), Wait));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => leg.SendDtmfAsync('x', TimeSpan.FromMilliseconds(100), CancellationToken.None));
    }

    [Fact]
    public async Task Hold_plays_music_on_hold_to_the_far_party_and_unhold_stops_it()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        await leg.HoldAsync(CancellationToken.None);
        Assert.True(bed.Sim.HasMusicOnHold(leg.PbxId));
        await leg.UnholdAsync(CancellationToken.None);
        Assert.False(bed.Sim.HasMusicOnHold(leg.PbxId));
    }

    [Fact]
    public async Task Wideband_call_uses_slin16_externalmedia_and_receives_640_byte_frames_with_pt_118()
    {
        await using var bed = await AsteriskTestBed.StartAsync(o => o.Format = "slin16");
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer, PbxCodec.L16Wideband), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        Assert.True(await bed.Rtp.WaitForPacketsAsync(5, Wait));
        Assert.All(bed.Rtp.Received, p => Assert.Equal(118, p.Packet[1] & 0x7f));
        Assert.All(bed.Rtp.Received, p => Assert.Equal(12 + 640, p.Packet.Length));
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
    }

    [Fact]
    public async Task Shutdown_hangs_up_calls_in_progress_and_deletes_their_channels()
    {
        var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        await bed.Pbx.DisposeAsync();

        Assert.Equal(0, bed.Sim.ChannelCount);
        Assert.Equal(0, bed.Sim.BridgeCount);
        Assert.True(observer.HungUp.Task.IsCompleted);
        await bed.Rtp.DisposeAsync();
        await bed.Sim.DisposeAsync();
    }

    /// <summary>A Calls-room stand-in that also takes early media.</summary>
    private sealed class EarlyMediaRecorder : IPbxLegObserver, IPbxEarlyMediaObserver
    {
        public RecordingObserver Inner { get; } = new();

        public TaskCompletionSource EarlyMedia { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnEarlyMedia() => EarlyMedia.TrySetResult();

        public void OnRinging() => Inner.OnRinging();

        public void OnMediaReady(PbxMediaAnswer media) => Inner.OnMediaReady(media);

        public void OnAnswered() => Inner.OnAnswered();

        public void OnDtmf(char digit, TimeSpan duration) => Inner.OnDtmf(digit, duration);

        public void OnHangup(PbxCause cause) => Inner.OnHangup(cause);
    }
}
