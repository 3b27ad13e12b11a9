using System.Diagnostics;
using PbxBridge.Media.Dtmf;
using PbxBridge.Media.Rtp;
using PbxBridge.Media.Tests.Support;

namespace PbxBridge.Media.Tests.Pipelines;

/// <summary>In-band DTMF toward a PBX leg that negotiated telephone-event (FreeSWITCH's SIP leg, PT 101 at 8000 Hz).</summary>
public sealed class BrowserToPbxDtmfTests
{
    private const int PbxTelephoneEvent = 101;
    private static readonly long s_tick20Ms = Stopwatch.Frequency / 50;

    [Fact]
    public void A_digit_goes_out_as_rfc4733_events_in_place_of_audio_on_the_same_ssrc_sequence_and_clock()
    {
        using var pipeline = NewPipeline(PbxTelephoneEvent);
        using var browser = new BrowserOpusSender();
        var tone = TestSignals.Tone(440, 48000, 48000 * 2);
        var destination = new byte[pipeline.MaxPacketLength];
        var sent = new List<(ushort Seq, uint Ts, byte Pt, bool Marker, TelephoneEventPayload Event)>();
        for (var i = 0; i < 40; i++)
        {
            if (i == 10)
            {
                Assert.True(pipeline.CanSendDtmf);
                pipeline.StartDtmf('5', TimeSpan.FromMilliseconds(100));
            }

            pipeline.Push(browser.Next(tone.AsSpan(i * 960, 960)), i * s_tick20Ms);
            var length = pipeline.Pull(destination, i * s_tick20Ms);
            Assert.True(length > 0, $"tick {i} sent nothing");
            Assert.True(RtpPacket.TryParse(destination.AsSpan(0, length), out var rtp));
            Assert.Equal(0xC0FFEEu, rtp.Ssrc);
            TelephoneEventPayload.TryRead(rtp.Payload, out var ev);
            sent.Add((rtp.SequenceNumber, rtp.Timestamp, rtp.PayloadType, rtp.Marker, rtp.PayloadType == PbxTelephoneEvent ? ev : default));
        }

        var events = sent.Where(p => p.Pt == PbxTelephoneEvent).ToList();

        // 100 ms at 8000 Hz in 20 ms steps: durations 160..800, the last one three times with End (RFC 4733 §2.5.1.4).
        Assert.Equal([160, 320, 480, 640, 800, 800, 800], events.Select(e => (int)e.Event.Duration));
        Assert.All(events, e => Assert.Equal(5, e.Event.Event));
        Assert.Equal([false, false, false, false, true, true, true], events.Select(e => e.Event.End));
        Assert.Equal([true, false, false, false, false, false, false], events.Select(e => e.Marker));

        // Every event carries the press's start timestamp: the media timestamp the tick it began would have had.
        var first = sent.FindIndex(p => p.Pt == PbxTelephoneEvent);
        Assert.Equal(10, first);
        Assert.All(events, e => Assert.Equal(sent[first - 1].Ts + 160, e.Ts));

        // Sequence numbers run on through the digit; audio resumes on the running clock with a talkspurt marker.
        for (var i = 1; i < sent.Count; i++)
        {
            Assert.Equal((ushort)(sent[i - 1].Seq + 1), sent[i].Seq);
        }

        var resumed = sent[first + events.Count];
        Assert.Equal(0, resumed.Pt);
        Assert.True(resumed.Marker);
        Assert.Equal(sent[first - 1].Ts + (uint)(160 * (events.Count + 1)), resumed.Ts);
        Assert.Equal(events.Count, sent.Count(p => p.Pt == PbxTelephoneEvent));
        Assert.False(pipeline.IsSendingDtmf);
    }

    [Fact]
    public void A_pbx_leg_without_telephone_event_refuses_in_band_digits()
    {
        using var pipeline = NewPipeline(-1);

        Assert.False(pipeline.CanSendDtmf);
        Assert.Throws<InvalidOperationException>(() => pipeline.StartDtmf('1', TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Sending_a_digit_allocates_nothing()
    {
        using var pipeline = NewPipeline(PbxTelephoneEvent);
        using var browser = new BrowserOpusSender();
        var tone = TestSignals.Tone(440, 48000, 48000);
        var packets = Enumerable.Range(0, 50).Select(i => browser.Next(tone.AsSpan(i * 960, 960))).ToArray();
        var destination = new byte[pipeline.MaxPacketLength];
        for (var i = 0; i < 10; i++)
        {
            pipeline.Push(packets[i], i * s_tick20Ms);
            pipeline.Pull(destination, i * s_tick20Ms);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        pipeline.StartDtmf('#', TimeSpan.FromMilliseconds(160));
        for (var i = 10; i < 50; i++)
        {
            pipeline.Push(packets[i], i * s_tick20Ms);
            pipeline.Pull(destination, i * s_tick20Ms);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static BrowserToPbxPipeline NewPipeline(int pbxTelephoneEvent) =>
        new(new BrowserToPbxOptions(BrowserOpusSender.OpusPayloadType, 110, 48000, PbxPayloadFormat.Pcmu, 0xC0FFEE, pbxTelephoneEvent));
}
