using PbxBridge.Media.Opus;
using PbxBridge.Media.Tests.Support;
using Xunit.Abstractions;

namespace PbxBridge.Media.Tests.Opus;

/// <summary>
/// 10 % random loss (seeded) on a speech-like signal sent as a browser would (48 kHz, 20 ms, in-band FEC on) and
/// decoded at 8 kHz for the PBX. Metric: segmental SNR (20 ms segments) against the loss-free decode of the same
/// packets. Inserting silence is the baseline PLC and FEC must beat.
/// </summary>
public sealed class OpusLossConcealmentTests(ITestOutputHelper output)
{
    private const int Frames = 250;

    [Fact]
    public void Plc_and_fec_beat_inserting_silence_on_10_percent_random_loss()
    {
        var packets = EncodeBrowserPackets();
        var random = new Random(10);
        var lost = new bool[Frames];
        for (var i = 5; i < Frames - 1; i++)
        {
            lost[i] = random.NextDouble() < 0.10;
        }

        var reference = Decode(packets, new bool[Frames], LossHandling.Silence);
        var silence = Decode(packets, lost, LossHandling.Silence);
        var plc = Decode(packets, lost, LossHandling.Plc);
        var fec = Decode(packets, lost, LossHandling.FecThenPlc);

        var silenceSnr = AudioMetrics.SegmentalSnrDb(reference, silence, 160);
        var plcSnr = AudioMetrics.SegmentalSnrDb(reference, plc, 160);
        var fecSnr = AudioMetrics.SegmentalSnrDb(reference, fec, 160);
        var silenceLsd = MeanLsdOverLostFrames(reference, silence, lost);
        var plcLsd = MeanLsdOverLostFrames(reference, plc, lost);
        var fecLsd = MeanLsdOverLostFrames(reference, fec, lost);
        output.WriteLine($"lost {lost.Count(x => x)}/{Frames}");
        output.WriteLine($"segmental SNR vs loss-free decode: silence {silenceSnr:F2} dB, PLC {plcSnr:F2} dB, FEC+PLC {fecSnr:F2} dB");
        output.WriteLine($"log-spectral distance on lost frames: silence {silenceLsd:F2} dB, PLC {plcLsd:F2} dB, FEC+PLC {fecLsd:F2} dB");

        Assert.True(plcLsd < silenceLsd / 2, $"PLC LSD {plcLsd:F2} dB vs silence {silenceLsd:F2} dB");
        Assert.True(fecSnr > silenceSnr + 2, $"FEC seg. SNR {fecSnr:F2} dB vs silence {silenceSnr:F2} dB");
        Assert.True(fecLsd < plcLsd, $"FEC LSD {fecLsd:F2} dB vs PLC {plcLsd:F2} dB");
    }

    private static double MeanLsdOverLostFrames(short[] reference, short[] test, bool[] lost)
    {
        double total = 0;
        var count = 0;
        for (var i = 0; i < Frames; i++)
        {
            if (lost[i])
            {
                total += AudioMetrics.LogSpectralDistanceDb(reference.AsSpan(i * 160, 160), test.AsSpan(i * 160, 160));
                count++;
            }
        }

        return total / count;
    }

    private enum LossHandling
    {
        Silence,
        Plc,
        FecThenPlc,
    }

    private static List<byte[]> EncodeBrowserPackets()
    {
        var pcm = TestSignals.SpeechLike(48000, 960 * Frames);
        using var encoder = new OpusEncoder(new OpusEncoderSettings(48000, Complexity: 9, Bitrate: 32000, InbandFec: true, PacketLossPercent: 10));
        var packets = new List<byte[]>();
        var buffer = new byte[OpusEncoder.MaxPacketBytes];
        for (var i = 0; i < Frames; i++)
        {
            var length = encoder.Encode(pcm.AsSpan(i * 960, 960), buffer);
            packets.Add(buffer.AsSpan(0, length).ToArray());
        }

        return packets;
    }

    private static short[] Decode(List<byte[]> packets, bool[] lost, LossHandling handling)
    {
        using var decoder = new OpusDecoder(8000);
        var output = new short[160 * Frames];
        for (var i = 0; i < Frames; i++)
        {
            var frame = output.AsSpan(i * 160, 160);
            if (!lost[i])
            {
                Assert.Equal(160, decoder.Decode(packets[i], frame));
                continue;
            }

            switch (handling)
            {
                case LossHandling.Plc:
                    Assert.Equal(160, decoder.Conceal(frame, 160));
                    break;
                case LossHandling.FecThenPlc:
                    Assert.Equal(160, lost[i + 1] ? decoder.Conceal(frame, 160) : decoder.DecodeFec(packets[i + 1], frame, 160));
                    break;
                default:
                    frame.Clear();
                    break;
            }
        }

        return output;
    }
}
