using PbxBridge.Media.G711;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;
using PbxBridge.Media.Tests.Support;
using Xunit.Abstractions;

namespace PbxBridge.Media.Tests.Pipelines;

public sealed class PbxToBrowserPipelineTests(ITestOutputHelper output)
{
    private const byte TelephoneEvent = 110;

    [Fact]
    public void A_1004_Hz_pcmu_tone_reaches_the_browser_as_48_kHz_clocked_opus()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu, dtx: false);
        using var decoder = new OpusDecoder(48000);
        var tone = TestSignals.Tone(1004, 8000, 16000);
        var decoded = new List<short>();
        var pcm = new short[5760];
        RtpHeaderFields? previous = null;
        foreach (var packet in PbxPackets(tone, PbxPayloadFormat.Pcmu))
        {
            var opus = Process(pipeline, packet);
            Assert.True(RtpPacket.TryParse(opus, out var rtp));
            Assert.Equal(111, rtp.PayloadType);
            Assert.Equal(0xB0B0u, rtp.Ssrc);
            if (previous is { } p)
            {
                Assert.Equal((ushort)(p.SequenceNumber + 1), rtp.SequenceNumber);
                Assert.Equal(p.Timestamp + 960, rtp.Timestamp);
                Assert.False(rtp.Marker);
            }
            else
            {
                Assert.True(rtp.Marker);
            }

            previous = new RtpHeaderFields(rtp.PayloadType, rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc);
            var samples = decoder.Decode(rtp.Payload, pcm);
            Assert.Equal(960, samples);
            decoded.AddRange(pcm.AsSpan(0, samples).ToArray());
        }

        var lastSecond = decoded.ToArray().AsSpan(decoded.Count - 48000);
        var frequency = AudioMetrics.DominantFrequency(lastSecond, 48000, 900, 1100);
        var snr = AudioMetrics.ToneSnrDb(lastSecond, 48000, frequency);
        output.WriteLine($"PCMU -> opus(8 kHz, complexity 5, 24 kb/s) -> 48 kHz: {frequency} Hz, tone SNR {snr:F1} dB");
        Assert.InRange(frequency, 994, 1014);
        Assert.True(snr > 15, $"SNR {snr:F1} dB");
    }

    [Theory]
    [InlineData(PbxPayloadFormat.Pcmu)]
    [InlineData(PbxPayloadFormat.Pcma)]
    [InlineData(PbxPayloadFormat.L16Wideband)]
    public void A_1004_Hz_tone_goes_pbx_to_opus_and_back_to_the_pbx_at_1004_Hz(PbxPayloadFormat format)
    {
        using var toBrowser = NewPipeline(format, dtx: false);
        using var toPbx = BrowserToPbxPipelineTests.NewPipeline(format);
        var rate = PbxPayloadCodec.SampleRate(format);
        var tone = TestSignals.Tone(1004, rate, rate * 2);
        var returned = new List<short>();
        var destination = new byte[toPbx.MaxPacketLength];
        var now = 0L;
        foreach (var packet in PbxPackets(tone, format))
        {
            toPbx.Push(Process(toBrowser, packet), now);
            var length = toPbx.Pull(destination, now);
            now += System.Diagnostics.Stopwatch.Frequency / 50;
            if (length == 0)
            {
                continue;
            }

            Assert.True(RtpPacket.TryParse(destination.AsSpan(0, length), out var rtp));
            Assert.Equal(PbxPayloadCodec.PayloadType(format), rtp.PayloadType);
            var pcm = new short[rate / 50];
            Assert.Equal(pcm.Length, PbxPayloadCodec.Decode(format, rtp.Payload, pcm));
            returned.AddRange(pcm);
        }

        var lastSecond = returned.ToArray().AsSpan(returned.Count - rate);
        var frequency = AudioMetrics.DominantFrequency(lastSecond, rate, 900, 1100);
        var snr = AudioMetrics.ToneSnrDb(lastSecond, rate, frequency);
        output.WriteLine($"{format} -> opus -> {format}: {frequency} Hz, tone SNR {snr:F1} dB");
        Assert.InRange(frequency, 994, 1014);
        Assert.True(snr > 15, $"SNR {snr:F1} dB");
    }

    [Fact]
    public void Dtmf_from_the_pbx_is_detected_once_on_the_browser_side_with_its_duration()
    {
        using var toBrowser = NewPipeline(PbxPayloadFormat.Pcmu, dtx: false);
        using var toPbx = BrowserToPbxPipelineTests.NewPipeline(PbxPayloadFormat.Pcmu);
        var tone = TestSignals.Tone(500, 8000, 8000);
        var packets = PbxPackets(tone, PbxPayloadFormat.Pcmu).ToList();
        var dtmf = new byte[64];
        var sequences = new List<ushort>();
        var eventTimestamps = new HashSet<uint>();
        var audioWhileDtmf = 0;
        var markerAfterDtmf = false;
        var dtmfDone = false;
        for (var i = 0; i < packets.Count; i++)
        {
            if (i == 10)
            {
                toBrowser.StartDtmf('7', TimeSpan.FromMilliseconds(160));
            }

            var audioBuffer = new byte[1500];
            var audio = toBrowser.Process(packets[i], audioBuffer);
            var eventLength = toBrowser.PullDtmfPacket(dtmf);
            if (eventLength > 0)
            {
                Assert.True(RtpPacket.TryParse(dtmf.AsSpan(0, eventLength), out var rtp));
                Assert.Equal(TelephoneEvent, rtp.PayloadType);
                sequences.Add(rtp.SequenceNumber);
                eventTimestamps.Add(rtp.Timestamp);
                audioWhileDtmf += audio > 0 ? 1 : 0;
                toPbx.Push(dtmf.AsSpan(0, eventLength), 0);
            }
            else if (sequences.Count > 0 && !dtmfDone)
            {
                // The first audio packet after the digit continues the same sequence space and starts a talkspurt.
                dtmfDone = true;
                Assert.True(RtpPacket.TryParse(audioBuffer.AsSpan(0, audio), out var firstAudio));
                markerAfterDtmf = firstAudio.Marker;
                Assert.Equal((ushort)(sequences[^1] + 1), firstAudio.SequenceNumber);
            }
        }

        Assert.True(toPbx.TryTakeDtmf(out var digit));
        Assert.Equal('7', digit.Digit);
        Assert.Equal(TimeSpan.FromMilliseconds(160), digit.Duration);
        Assert.False(toPbx.TryTakeDtmf(out _));
        Assert.Equal(1, toPbx.Statistics.DtmfDigits);
        Assert.Equal(7 + 3, sequences.Count);
        Assert.Single(eventTimestamps);
        Assert.Equal(0, audioWhileDtmf);
        Assert.True(markerAfterDtmf);
    }

    [Fact]
    public void Unusable_input_returns_zero_and_is_counted()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu, dtx: false);
        var destination = new byte[1500];
        var pcma = new byte[172];
        RtpPacketWriter.Write(pcma, new RtpHeaderFields(RtpPayloadTypes.Pcma, 1, 0, 9), new byte[160]);
        var odd = new byte[112];
        RtpPacketWriter.Write(odd, new RtpHeaderFields(RtpPayloadTypes.Pcmu, 2, 0, 9), new byte[100]);

        Assert.Equal(0, pipeline.Process(pcma, destination));
        Assert.Equal(0, pipeline.Process(odd, destination));
        Assert.Equal(0, pipeline.Process([0x80, 0, 1], destination));
        Assert.Equal(3, pipeline.Statistics.PacketsDiscarded);
    }

    [Fact]
    public void Dtx_sends_nothing_for_silence_and_marks_the_next_talkspurt()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu, dtx: true);
        var silence = new short[8000];
        var tone = TestSignals.Tone(1004, 8000, 1600);
        var sent = 0;
        uint lastTs = 0;
        foreach (var packet in PbxPackets(silence, PbxPayloadFormat.Pcmu))
        {
            var opus = Process(pipeline, packet, allowEmpty: true);
            if (opus.Length > 0)
            {
                sent++;
                Assert.True(RtpPacket.TryParse(opus, out var rtp));
                lastTs = rtp.Timestamp;
            }
        }

        var resumed = Process(pipeline, PbxPackets(tone, PbxPayloadFormat.Pcmu).First());
        Assert.True(RtpPacket.TryParse(resumed, out var talkspurt));
        Assert.True(sent < 30, $"{sent} of 50 silent frames sent");
        Assert.True(talkspurt.Marker);
        Assert.True(RtpSequence.TimestampDistance(lastTs, talkspurt.Timestamp) > 960);
    }

    [Fact]
    public void Pbx_stream_jitter_is_measured_when_arrival_times_are_given()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu, dtx: false);
        var ms = System.Diagnostics.Stopwatch.Frequency / 1000;
        var destination = new byte[1500];
        var i = 0;
        foreach (var packet in PbxPackets(new short[8000], PbxPayloadFormat.Pcmu))
        {
            // Alternately 10 ms early and 10 ms late: |D| = 20 ms every packet, so J converges to 20 ms.
            pipeline.Process(packet, destination, (i * 20 * ms) + (i % 2 == 0 ? 0 : 20 * ms));
            i++;
        }

        Assert.InRange(pipeline.Statistics.JitterMilliseconds, 18, 20.5);
    }

    [Fact]
    public void Dtmf_without_negotiated_telephone_event_is_refused()
    {
        using var pipeline = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, -1, 48000, PbxPayloadFormat.Pcmu, 1, 5, 24000, true, false));
        Assert.Throws<InvalidOperationException>(() => pipeline.StartDtmf('1', TimeSpan.FromMilliseconds(100)));
        Assert.Equal(0, pipeline.PullDtmfPacket(new byte[64]));
    }

    [Theory]
    [InlineData(48000, 6)]
    [InlineData(8000, 1)]
    public void Telephone_events_the_pbx_sends_reach_the_browser_on_its_payload_type_and_clock(int clockRate, int scale)
    {
        // What FreeSWITCH 1.10 sent for uuid_send_dtmf 5@100 (recorded): PT 101 in the audio's sequence space, the
        // event's start timestamp in every packet, duration +160 per 20 ms, End three times, no audio meanwhile.
        using var pipeline = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, TelephoneEvent, clockRate, PbxPayloadFormat.Pcmu, 0xB0B0, 5, 24000, true, false)
        {
            PbxTelephoneEventPayloadType = 101,
        });
        var pbx = new FreeSwitchLikeStream();
        var audioBefore = Process(pipeline, pbx.Audio());
        Assert.True(RtpPacket.TryParse(audioBefore, out var before));
        var beforeTimestamp = before.Timestamp;
        var beforeSequence = before.SequenceNumber;

        var relayed = new List<byte[]>();
        foreach (var packet in pbx.Digit(5, 800))
        {
            relayed.Add(Process(pipeline, packet));
        }

        var after = Process(pipeline, pbx.Audio());

        Assert.Equal(7, relayed.Count);
        for (var i = 0; i < relayed.Count; i++)
        {
            Assert.True(RtpPacket.TryParse(relayed[i], out var rtp));
            Assert.Equal(TelephoneEvent, rtp.PayloadType);
            Assert.Equal(0xB0B0u, rtp.Ssrc);
            Assert.Equal((ushort)(beforeSequence + 1 + i), rtp.SequenceNumber);
            Assert.Equal(beforeTimestamp + 960, rtp.Timestamp);
            Assert.Equal(i == 0, rtp.Marker);
            Assert.True(Media.Dtmf.TelephoneEventPayload.TryRead(rtp.Payload, out var e));
            Assert.Equal(5, e.Event);
            Assert.Equal(i >= 4, e.End);
            Assert.Equal(Math.Min(160 * (i + 1), 800) * scale, e.Duration);
        }

        Assert.True(RtpPacket.TryParse(after, out var audio));
        Assert.Equal(111, audio.PayloadType);
        Assert.True(audio.Marker, "audio after the digit starts a talkspurt");
        Assert.Equal((ushort)(beforeSequence + 8), audio.SequenceNumber);
        // Not before the event's end (the PBX sent no audio for its 100 ms): start + 4800 at 48 kHz.
        Assert.Equal(beforeTimestamp + 960 + 4800, audio.Timestamp);
        Assert.Equal(0, pipeline.Statistics.PacketsLost);
    }

    [Fact]
    public void Audio_the_pbx_keeps_sending_during_an_event_is_held_back_until_its_end()
    {
        using var pipeline = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, TelephoneEvent, 48000, PbxPayloadFormat.Pcmu, 0xB0B0, 5, 24000, true, false)
        {
            PbxTelephoneEventPayloadType = 101,
        });
        var pbx = new FreeSwitchLikeStream();
        Process(pipeline, pbx.Audio());
        var train = pbx.Digit(9, 480).ToList();

        Assert.NotEmpty(Process(pipeline, train[0]));
        Assert.True(pipeline.IsSendingDtmf);
        Assert.Empty(Process(pipeline, pbx.Audio(), allowEmpty: true));
        foreach (var packet in train.Skip(1))
        {
            Process(pipeline, packet);
        }

        Assert.False(pipeline.IsSendingDtmf);
        Assert.NotEmpty(Process(pipeline, pbx.Audio()));
    }

    [Fact]
    public void Pbx_telephone_events_are_dropped_and_counted_when_the_browser_negotiated_none()
    {
        using var pipeline = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, -1, 48000, PbxPayloadFormat.Pcmu, 1, 5, 24000, true, false)
        {
            PbxTelephoneEventPayloadType = 101,
        });
        var pbx = new FreeSwitchLikeStream();

        Assert.Equal(0, pipeline.Process(pbx.Digit(1, 160).First(), new byte[1500]));
        Assert.Equal(1, pipeline.Statistics.PacketsDiscarded);
        Assert.False(pipeline.IsSendingDtmf);
    }

    [Fact]
    public void Process_allocates_nothing_per_packet()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu, dtx: false);
        var packets = PbxPackets(TestSignals.Tone(1004, 8000, 8000), PbxPayloadFormat.Pcmu).ToArray();
        var destination = new byte[1500];
        for (var i = 0; i < 10; i++)
        {
            pipeline.Process(packets[i], destination);
        }

        pipeline.StartDtmf('1', TimeSpan.FromMilliseconds(60));
        var pbx = new FreeSwitchLikeStream();
        var events = pbx.Digit(4, 800).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 10; i < packets.Length; i++)
        {
            pipeline.Process(packets[i], destination);
            pipeline.PullDtmfPacket(destination);
        }

        foreach (var packet in events)
        {
            pipeline.Process(packet, destination);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_encoder_complexity_follows_the_overload_ceiling_mid_stream_never_above_the_calls_own_and_the_tone_goes_on()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu, dtx: false);
        using var decoder = new OpusDecoder(48000);
        var tone = TestSignals.Tone(1004, 8000, 24000);
        var decoded = new List<short>();
        var pcm = new short[5760];
        var complexities = new List<int>();
        var index = 0;
        foreach (var packet in PbxPackets(tone, PbxPayloadFormat.Pcmu))
        {
            // 1 s at the call's own 5, 1 s held to 1, 1 s with the ceiling lifted to 10 (the call goes back to its 5).
            pipeline.LimitOpusComplexity(index++ switch { < 50 => 5, < 100 => 1, _ => 10 });
            complexities.Add(pipeline.OpusComplexity);
            Assert.True(RtpPacket.TryParse(Process(pipeline, packet), out var rtp));
            var samples = decoder.Decode(rtp.Payload, pcm);
            decoded.AddRange(pcm.AsSpan(0, samples).ToArray());
        }

        Assert.Equal(Enumerable.Repeat(5, 50).Concat(Enumerable.Repeat(1, 50)).Concat(Enumerable.Repeat(5, 50)), complexities);
        var atOne = decoded.ToArray().AsSpan(48000 + 9600, 38400);
        Assert.InRange(AudioMetrics.DominantFrequency(atOne, 48000, 900, 1100), 994, 1014);
        Assert.True(AudioMetrics.ToneSnrDb(atOne, 48000, 1004) > 15);
    }

    private static PbxToBrowserPipeline NewPipeline(PbxPayloadFormat format, bool dtx) =>
        new(new PbxToBrowserOptions(111, TelephoneEvent, 48000, format, 0xB0B0, OpusComplexity: 5, OpusBitrate: 24000, OpusInbandFec: true, OpusDtx: dtx)
        {
            PbxTelephoneEventPayloadType = 101,
        });

    private static byte[] Process(PbxToBrowserPipeline pipeline, byte[] packet, bool allowEmpty = false)
    {
        var destination = new byte[1500];
        var length = pipeline.Process(packet, destination);
        Assert.True(allowEmpty || length > 0);
        return destination.AsSpan(0, length).ToArray();
    }

    /// <summary>What Asterisk's externalMedia sends: 20 ms frames, sequence +1, timestamp +samples, first timestamp 160.</summary>
    internal static IEnumerable<byte[]> PbxPackets(short[] pcm, PbxPayloadFormat format)
    {
        var frame = PbxPayloadCodec.SamplesPer20Ms(format);
        var payload = new byte[frame * PbxPayloadCodec.BytesPerSample(format)];
        ushort seq = 30000;
        uint ts = 160;
        for (var offset = 0; offset + frame <= pcm.Length; offset += frame)
        {
            PbxPayloadCodec.Encode(format, pcm.AsSpan(offset, frame), payload);
            var packet = new byte[12 + payload.Length];
            RtpPacketWriter.Write(packet, new RtpHeaderFields(PbxPayloadCodec.PayloadType(format), seq++, ts, 0xA5A5), payload);
            ts += (uint)frame;
            yield return packet;
        }
    }

    /// <summary>A PCMU leg as FreeSWITCH sends it: one SSRC and sequence space for audio and PT 101 events.</summary>
    private sealed class FreeSwitchLikeStream
    {
        private readonly byte[] _silence = Enumerable.Repeat(MuLaw.Silence, 160).ToArray();
        private ushort _sequence = 20566;
        private uint _timestamp = 73866857;

        public byte[] Audio()
        {
            var packet = new byte[12 + 160];
            RtpPacketWriter.Write(packet, new RtpHeaderFields(0, _sequence++, _timestamp, 0x5EED), _silence);
            _timestamp += 160;
            return packet;
        }

        public IEnumerable<byte[]> Digit(byte code, int samples)
        {
            var start = _timestamp;
            for (var duration = 160; ; duration += 160)
            {
                var end = duration >= samples;
                for (var copy = 0; copy < (end ? 3 : 1); copy++)
                {
                    var payload = new byte[4];
                    new Media.Dtmf.TelephoneEventPayload(code, end, 13, (ushort)Math.Min(duration, samples)).Write(payload);
                    var packet = new byte[16];
                    RtpPacketWriter.Write(packet, new RtpHeaderFields(101, _sequence++, start, 0x5EED, duration == 160 && copy == 0), payload);
                    yield return packet;
                }

                if (end)
                {
                    _timestamp = start + (uint)samples;
                    yield break;
                }
            }
        }
    }
}
