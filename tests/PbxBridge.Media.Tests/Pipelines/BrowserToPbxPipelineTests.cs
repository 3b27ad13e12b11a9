using System.Diagnostics;
using PbxBridge.Media.G711;
using PbxBridge.Media.Rtp;
using PbxBridge.Media.Tests.Support;
using Xunit.Abstractions;

namespace PbxBridge.Media.Tests.Pipelines;

public sealed class BrowserToPbxPipelineTests(ITestOutputHelper output)
{
    private static readonly long s_tick20Ms = Stopwatch.Frequency / 50;

    [Fact]
    public void A_1004_Hz_tone_from_the_browser_reaches_the_pbx_as_pcmu_at_1004_Hz()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu);
        using var browser = new BrowserOpusSender();
        var tone = TestSignals.Tone(1004, 48000, 48000 * 2);
        var pcmu = new List<byte>();
        var packets = Run(pipeline, browser, tone, lossRandom: null);
        foreach (var packet in packets)
        {
            Assert.True(RtpPacket.TryParse(packet, out var rtp));
            pcmu.AddRange(rtp.Payload.ToArray());
        }

        var decoded = new short[pcmu.Count];
        MuLaw.Decode(pcmu.ToArray(), decoded);
        var lastSecond = decoded.AsSpan(decoded.Length - 8000);
        var frequency = AudioMetrics.DominantFrequency(lastSecond, 8000, 900, 1100);
        var snr = AudioMetrics.ToneSnrDb(lastSecond, 8000, frequency);
        output.WriteLine($"browser opus(48k, 32 kb/s) -> PCMU: {frequency} Hz, tone SNR {snr:F1} dB");
        Assert.InRange(frequency, 994, 1014);
        Assert.True(snr > 20, $"SNR {snr:F1} dB");
    }

    [Fact]
    public void Pbx_stream_has_one_ssrc_and_continuous_sequence_and_timestamp_across_a_browser_ssrc_change()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu);
        using var browser = new BrowserOpusSender();
        var tone = TestSignals.Tone(440, 48000, 48000);
        var outputs = new List<(ushort Seq, uint Ts, uint Ssrc, bool Marker, int Length)>();
        var destination = new byte[pipeline.MaxPacketLength];
        for (var i = 0; i < 50; i++)
        {
            if (i == 25)
            {
                // Re-INVITE / ICE restart on the browser side: new SSRC and new random bases.
                browser.Ssrc = 0x55667788;
                browser.Sequence = 7;
                browser.Timestamp = 123;
            }

            pipeline.Push(browser.Next(tone.AsSpan(i * 960, 960)), i * s_tick20Ms);
            var length = pipeline.Pull(destination, i * s_tick20Ms);
            Assert.True(length > 0);
            Assert.True(RtpPacket.TryParse(destination.AsSpan(0, length), out var rtp));
            outputs.Add((rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc, rtp.Marker, length));
        }

        Assert.True(outputs[0].Marker);
        for (var i = 1; i < outputs.Count; i++)
        {
            Assert.Equal((ushort)(outputs[i - 1].Seq + 1), outputs[i].Seq);
            Assert.Equal(outputs[i - 1].Ts + 160, outputs[i].Ts);
            Assert.Equal(0xC0FFEEu, outputs[i].Ssrc);
            Assert.Equal(12 + 160, outputs[i].Length);
            Assert.False(outputs[i].Marker);
        }

        Assert.Equal(1, pipeline.Statistics.Resyncs);
    }

    [Fact]
    public void Wideband_output_is_slin16_big_endian_pt_118_with_640_byte_payloads()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.L16Wideband);
        using var browser = new BrowserOpusSender();
        var tone = TestSignals.Tone(1004, 48000, 48000);
        var packets = Run(pipeline, browser, tone, lossRandom: null);
        var samples = new List<short>();
        uint? previousTs = null;
        foreach (var packet in packets)
        {
            Assert.True(RtpPacket.TryParse(packet, out var rtp));
            Assert.Equal(118, rtp.PayloadType);
            Assert.Equal(640, rtp.PayloadLength);
            if (previousTs is { } ts)
            {
                Assert.Equal(ts + 320, rtp.Timestamp);
            }

            previousTs = rtp.Timestamp;
            var pcm = new short[320];
            Media.L16.L16.Decode(rtp.Payload, pcm);
            samples.AddRange(pcm);
        }

        var tail = samples.ToArray().AsSpan(samples.Count - 8000);
        Assert.InRange(AudioMetrics.DominantFrequency(tail, 16000, 900, 1100), 994, 1014);
    }

    [Fact]
    public void Ten_percent_loss_is_concealed_and_the_pbx_still_gets_a_packet_every_tick()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu);
        using var browser = new BrowserOpusSender();
        var tone = TestSignals.Tone(1004, 48000, 48000 * 3);
        var packets = Run(pipeline, browser, tone, lossRandom: new Random(10));
        var statistics = pipeline.Statistics;
        output.WriteLine($"lost {statistics.PacketsLost}, FEC {statistics.FramesRecoveredByFec}, PLC {statistics.FramesConcealed}, sent {statistics.PacketsSent}");

        Assert.InRange(statistics.PacketsLost, 5, 30);
        Assert.True(statistics.FramesRecoveredByFec > 0);
        // Concealment also covers ticks where a packet was merely not there yet (the buffer then deepens by a frame).
        Assert.True(statistics.FramesRecoveredByFec + statistics.FramesConcealed >= statistics.PacketsLost);
        Assert.Equal(statistics.PacketsSent, packets.Count);
        Assert.True(packets.Count >= 148, $"{packets.Count} packets for 150 ticks");
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.True(RtpPacket.TryParse(packets[i - 1], out var previous));
            Assert.True(RtpPacket.TryParse(packets[i], out var current));
            Assert.Equal((ushort)(previous.SequenceNumber + 1), current.SequenceNumber);
        }
    }

    [Fact]
    public void Padding_only_packets_take_no_playout_time_and_are_not_losses()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu);
        using var browser = new BrowserOpusSender();
        var tone = TestSignals.Tone(1004, 48000, 48000);
        var destination = new byte[pipeline.MaxPacketLength];
        var padding = new byte[RtpPacket.FixedHeaderLength + 8];
        var sent = 0;
        for (var i = 0; i < 40; i++)
        {
            pipeline.Push(browser.Next(tone.AsSpan(i * 960, 960)), i * s_tick20Ms);
            if (i % 4 == 0)
            {
                // A probe between two audio packets: next sequence number, same timestamp, payload all padding.
                RtpPacketWriter.Write(padding, new RtpHeaderFields(BrowserOpusSender.OpusPayloadType, browser.Sequence++, browser.Timestamp, browser.Ssrc), [], paddingLength: 8);
                pipeline.Push(padding, i * s_tick20Ms);
            }

            sent += pipeline.Pull(destination, i * s_tick20Ms) > 0 ? 1 : 0;
        }

        Assert.Equal(40, sent);
        Assert.Equal(0, pipeline.Statistics.PacketsLost);
        Assert.Equal(0, pipeline.Statistics.FramesConcealed);
    }

    [Fact]
    public void Nothing_is_sent_before_the_first_packet_is_buffered()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcma);
        var destination = new byte[pipeline.MaxPacketLength];
        Assert.Equal(0, pipeline.Pull(destination, 0));
        Assert.Equal(0, pipeline.Statistics.PacketsSent);
    }

    [Fact]
    public void Malformed_and_foreign_packets_are_counted_and_never_throw()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu);
        var random = new Random(7);
        var garbage = new byte[300];
        for (var i = 0; i < 5000; i++)
        {
            var length = random.Next(0, garbage.Length);
            random.NextBytes(garbage.AsSpan(0, length));
            if (i % 2 == 0 && length >= 12)
            {
                // Valid-looking RTP header carrying a random "Opus" payload.
                garbage[0] = 0x80;
                garbage[1] = BrowserOpusSender.OpusPayloadType;
            }

            pipeline.Push(garbage.AsSpan(0, length), i * s_tick20Ms);
            pipeline.Pull(new byte[pipeline.MaxPacketLength], i * s_tick20Ms);
        }

        Assert.True(pipeline.Statistics.PacketsDiscarded > 1000);
        Assert.Equal(5000, pipeline.Statistics.PacketsReceived);
    }

    [Fact]
    public void Push_and_pull_allocate_nothing_per_packet()
    {
        using var pipeline = NewPipeline(PbxPayloadFormat.Pcmu);
        using var browser = new BrowserOpusSender();
        var tone = TestSignals.Tone(1004, 48000, 48000 * 2);
        var packets = Enumerable.Range(0, 100).Select(i => browser.Next(tone.AsSpan(i * 960, 960))).ToArray();
        var destination = new byte[pipeline.MaxPacketLength];
        for (var i = 0; i < 20; i++)
        {
            pipeline.Push(packets[i], i * s_tick20Ms);
            pipeline.Pull(destination, i * s_tick20Ms);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 20; i < 100; i++)
        {
            if (i % 10 != 0)
            {
                pipeline.Push(packets[i], i * s_tick20Ms);
            }

            pipeline.Pull(destination, i * s_tick20Ms);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(pipeline.Statistics.FramesConcealed + pipeline.Statistics.FramesRecoveredByFec > 0);
    }

    internal static BrowserToPbxPipeline NewPipeline(PbxPayloadFormat format) =>
        new(new BrowserToPbxOptions(BrowserOpusSender.OpusPayloadType, 110, 48000, format, 0xC0FFEE));

    /// <summary>Sends the signal 20 ms at a time and pulls one PBX packet per tick; drops about 10 % when asked.</summary>
    private static List<byte[]> Run(BrowserToPbxPipeline pipeline, BrowserOpusSender browser, short[] pcm48k, Random? lossRandom)
    {
        var result = new List<byte[]>();
        var destination = new byte[pipeline.MaxPacketLength];
        for (var i = 0; i < pcm48k.Length / 960; i++)
        {
            var packet = browser.Next(pcm48k.AsSpan(i * 960, 960));
            if (lossRandom is null || i < 5 || lossRandom.NextDouble() >= 0.10)
            {
                pipeline.Push(packet, i * s_tick20Ms);
            }

            var length = pipeline.Pull(destination, i * s_tick20Ms);
            if (length > 0)
            {
                result.Add(destination.AsSpan(0, length).ToArray());
            }
        }

        return result;
    }
}
