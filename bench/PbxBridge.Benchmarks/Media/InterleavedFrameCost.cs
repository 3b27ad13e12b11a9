using System.Runtime.InteropServices;
using PbxBridge.Media;
using PbxBridge.Media.G711;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Benchmarks.Media;

/// <summary>
/// `-- --interleaved [--speech48 a.wav --speech8 b.wav] [--write DIR]`: the per-frame cost of the PBX-to-browser pipeline against
/// libopus' encode alone with identical settings, measured in ONE process, alternating blocks of 500 frames, in this
/// thread's CPU time (CLOCK_THREAD_CPUTIME_ID). BenchmarkDotNet runs the two in separate processes minutes apart and
/// times the wall clock, so on a machine shared with other builds their ratio also measures whoever else ran then;
/// this does not. Then the cost curve of our encoder's complexity 0, 2, 5 and 10, each with the quality of a speech
/// round trip as an agent hears an echo (browser Opus 48 kHz -> our decode -> PCMU -> PCMU -> our encode -> decode),
/// against the same speech through G.711 alone: segmental SNR and log-spectral distance.
/// </summary>
public static unsafe partial class InterleavedFrameCost
{
    private const int Frames = 500;
    private const int Rounds = 40;

    public static void Run(string[] args)
    {
        var (speech48, speech8) = LoadSpeech(args);
        Console.WriteLine($"input: {(speech48.Length / 48000.0):F1} s of {(args.Contains("--speech48") ? "speech from the files given" : "the code's speech-like signal")}");
        ComparePipelineWithLibopus(speech8);
        Console.WriteLine();
        Console.WriteLine("| complexity | encode us per 20 ms frame (median, thread CPU) | x complexity 5 | PBX->browser segmental SNR dB / log-spectral distance dB | echo round trip segmental SNR dB / LSD dB |");
        Console.WriteLine("|---|---|---|---|---|");
        var g711 = G711Alone(speech8);
        var costs = new Dictionary<int, double>();
        foreach (var complexity in new[] { 0, 2, 5, 10 })
        {
            costs[complexity] = EncodeCost(speech8, complexity);
        }

        foreach (var complexity in new[] { 0, 2, 5, 10 })
        {
            var towardBrowser = TowardBrowser(speech8, complexity);
            var roundTrip = RoundTrip(speech48, complexity);
            WriteIfAsked(args, $"pbx-to-browser-c{complexity}.wav", towardBrowser);
            WriteIfAsked(args, $"round-trip-c{complexity}.wav", roundTrip);
            var (oneSnr, oneLsd) = Quality(speech8, towardBrowser);
            var (snr, lsd) = Quality(speech8, roundTrip);
            Console.WriteLine($"| {complexity} | {costs[complexity]:F1} | {costs[complexity] / costs[5]:F2} | {oneSnr:F1} / {oneLsd:F2} | {snr:F1} / {lsd:F2} |");
        }

        WriteIfAsked(args, "g711-alone.wav", g711);
        var (g711Snr, g711Lsd) = Quality(speech8, g711);
        Console.WriteLine($"| G.711 alone (no Opus) | - | - | {g711Snr:F1} / {g711Lsd:F2} | - |");
    }

    private static void ComparePipelineWithLibopus(short[] speech8)
    {
        var packets = new byte[Frames][];
        var frames = new short[Frames][];
        var payload = new byte[160];
        for (var i = 0; i < Frames; i++)
        {
            var offset = i * 160 % (speech8.Length - 160);
            MuLaw.Encode(speech8.AsSpan(offset, 160), payload);
            packets[i] = new byte[RtpPacket.FixedHeaderLength + 160];
            RtpPacketWriter.Write(packets[i], new RtpHeaderFields(RtpPayloadTypes.Pcmu, (ushort)i, (uint)(160 * (i + 1)), 0xA5A5), payload);
            frames[i] = new short[160];
            MuLaw.Decode(payload, frames[i]);
        }

        using var pipeline = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, 110, 48000, PbxPayloadFormat.Pcmu, 0xB0B0, 5, 24000, true, false));
        var encoder = BaselineEncoder(5);
        var output = new byte[1500];
        var identical = SameBitstream(pipeline, encoder, packets, frames);
        Console.WriteLine($"identical settings and state: the pipeline's Opus payloads and libopus alone's are {(identical ? "byte for byte the same" : "DIFFERENT")} over {Frames} frames");
        var pcm = new short[160];
        var (alone, piped, pcmuOnly) = (new List<double>(), new List<double>(), new List<double>());
        try
        {
            for (var round = 0; round < Rounds + 5; round++)
            {
                var t0 = ThreadCpuNs();
                for (var i = 0; i < Frames; i++)
                {
                    fixed (short* input = frames[i])
                    fixed (byte* data = output)
                    {
                        OpusNative.Encode(encoder, input, 160, data, OpusEncoder.MaxPacketBytes);
                    }
                }

                var t1 = ThreadCpuNs();
                for (var i = 0; i < Frames; i++)
                {
                    pipeline.Process(packets[i], output);
                }

                var t2 = ThreadCpuNs();
                for (var i = 0; i < Frames; i++)
                {
                    RtpPacket.TryParse(packets[i], out var rtp);
                    PbxPayloadCodec.Decode(PbxPayloadFormat.Pcmu, rtp.Payload, pcm);
                }

                var t3 = ThreadCpuNs();
                if (round >= 5)
                {
                    alone.Add((t1 - t0) / 1000.0 / Frames);
                    piped.Add((t2 - t1) / 1000.0 / Frames);
                    pcmuOnly.Add((t3 - t2) / 1000.0 / Frames);
                }
            }
        }
        finally
        {
            OpusNative.EncoderDestroy(encoder);
        }

        var ratios = piped.Zip(alone, (p, a) => p / a).ToList();
        Console.WriteLine($"PBX->browser per 20 ms frame, {Rounds} interleaved rounds of {Frames} frames, thread CPU time (median [p10-p90]):");
        Console.WriteLine($"  libopus opus_encode alone (complexity 5, 24 kb/s, FEC, 10 % loss, VOIP, voice): {Median(alone):F2} us [{P(alone, 10):F2}-{P(alone, 90):F2}]");
        Console.WriteLine($"  PbxToBrowserPipeline.Process (RTP parse, PCMU decode, same encode, RTP header): {Median(piped):F2} us [{P(piped, 10):F2}-{P(piped, 90):F2}]");
        Console.WriteLine($"  of which RTP parse + PCMU decode alone: {Median(pcmuOnly):F3} us");
        Console.WriteLine($"  ratio pipeline / libopus alone, per round: {Median(ratios):F3} [{P(ratios, 10):F3}-{P(ratios, 90):F3}]");
    }

    /// <summary>Same settings and same state make libopus produce the same bytes: anything else would show here.</summary>
    private static bool SameBitstream(PbxToBrowserPipeline pipeline, nint encoder, byte[][] packets, short[][] frames)
    {
        var alone = new byte[OpusEncoder.MaxPacketBytes];
        var piped = new byte[1500];
        for (var i = 0; i < packets.Length; i++)
        {
            int length;
            fixed (short* input = frames[i])
            fixed (byte* data = alone)
            {
                length = OpusNative.Encode(encoder, input, 160, data, OpusEncoder.MaxPacketBytes);
            }

            var total = pipeline.Process(packets[i], piped);
            if (!piped.AsSpan(RtpPacket.FixedHeaderLength, total - RtpPacket.FixedHeaderLength).SequenceEqual(alone.AsSpan(0, length)))
            {
                return false;
            }
        }

        return true;
    }

    private static double EncodeCost(short[] speech8, int complexity)
    {
        var encoder = BaselineEncoder(complexity);
        var output = new byte[OpusEncoder.MaxPacketBytes];
        var times = new List<double>();
        try
        {
            for (var round = 0; round < 15; round++)
            {
                var t0 = ThreadCpuNs();
                for (var i = 0; i < Frames; i++)
                {
                    fixed (short* input = &speech8[i * 160 % (speech8.Length - 160)])
                    fixed (byte* data = output)
                    {
                        OpusNative.Encode(encoder, input, 160, data, output.Length);
                    }
                }

                if (round >= 3)
                {
                    times.Add((ThreadCpuNs() - t0) / 1000.0 / Frames);
                }
            }
        }
        finally
        {
            OpusNative.EncoderDestroy(encoder);
        }

        return Median(times);
    }

    /// <summary>What an agent hears of its own speech echoed by the PBX, through PbxBridge's two real pipelines.</summary>
    private static short[] RoundTrip(short[] speech48, int complexity)
    {
        using var browserEncoder = new OpusEncoder(new OpusEncoderSettings(48000, Complexity: 10, Bitrate: 32000, InbandFec: true));
        using var toPbx = new BrowserToPbxPipeline(new BrowserToPbxOptions(111, 110, 48000, PbxPayloadFormat.Pcmu, 0xC0FFEE));
        using var toBrowser = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, 110, 48000, PbxPayloadFormat.Pcmu, 0xB0B0, complexity, 24000, true, false));
        using var agentDecoder = new OpusDecoder(8000);
        var opus = new byte[OpusEncoder.MaxPacketBytes];
        var rtp = new byte[1500];
        var pcmu = new byte[1500];
        var back = new byte[1500];
        var pcm = new short[960];
        var heard = new List<short>(speech48.Length / 6);
        var now = 0L;
        var step = System.Diagnostics.Stopwatch.Frequency / 50;
        for (var i = 0; (i + 1) * 960 <= speech48.Length; i++)
        {
            var length = browserEncoder.Encode(speech48.AsSpan(i * 960, 960), opus);
            var packet = RtpPacketWriter.Write(rtp, new RtpHeaderFields(111, (ushort)i, (uint)(i * 960), 0x1234), opus.AsSpan(0, length));
            toPbx.Push(rtp.AsSpan(0, packet), now);
            var toPbxLength = toPbx.Pull(pcmu, now);
            now += step;
            if (toPbxLength == 0)
            {
                continue;
            }

            var opusLength = toBrowser.Process(pcmu.AsSpan(0, toPbxLength), back);
            if (opusLength > RtpPacket.FixedHeaderLength)
            {
                var samples = agentDecoder.Decode(back.AsSpan(RtpPacket.FixedHeaderLength, opusLength - RtpPacket.FixedHeaderLength), pcm);
                heard.AddRange(pcm.AsSpan(0, samples));
            }
        }

        return [.. heard];
    }

    /// <summary>What an agent hears of the PBX side (a customer): PCMU through our encoder at <paramref name="complexity"/>, decoded.</summary>
    private static short[] TowardBrowser(short[] speech8, int complexity)
    {
        using var toBrowser = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, 110, 48000, PbxPayloadFormat.Pcmu, 0xB0B0, complexity, 24000, true, false));
        using var agentDecoder = new OpusDecoder(8000);
        var payload = new byte[160];
        var packet = new byte[RtpPacket.FixedHeaderLength + 160];
        var back = new byte[1500];
        var pcm = new short[960];
        var heard = new List<short>(speech8.Length);
        for (var i = 0; (i + 1) * 160 <= speech8.Length; i++)
        {
            MuLaw.Encode(speech8.AsSpan(i * 160, 160), payload);
            RtpPacketWriter.Write(packet, new RtpHeaderFields(RtpPayloadTypes.Pcmu, (ushort)i, (uint)(160 * i), 0xA5A5), payload);
            var length = toBrowser.Process(packet, back);
            var samples = agentDecoder.Decode(back.AsSpan(RtpPacket.FixedHeaderLength, length - RtpPacket.FixedHeaderLength), pcm);
            heard.AddRange(pcm.AsSpan(0, samples));
        }

        return [.. heard];
    }

    private static short[] G711Alone(short[] speech8)
    {
        var encoded = new byte[speech8.Length];
        var decoded = new short[speech8.Length];
        MuLaw.Encode(speech8, encoded);
        MuLaw.Decode(encoded, decoded);
        return decoded;
    }

    /// <summary>Segmental SNR (20 ms frames with speech, each clamped to -10..35 dB) and log-spectral distance, after the best alignment.</summary>
    private static (double SegmentalSnrDb, double LogSpectralDistanceDb) Quality(short[] reference, short[] heard)
    {
        var lag = BestLag(reference, heard, 1600);
        Console.Error.WriteLine($"  (aligned at a lag of {lag} samples)");
        var (snrSum, lsdSum, counted) = (0.0, 0.0, 0);
        for (var start = 0; start + 160 <= reference.Length && start + lag + 160 <= heard.Length; start += 160)
        {
            double signal = 0, noise = 0;
            for (var i = 0; i < 160; i++)
            {
                double r = reference[start + i], h = heard[start + lag + i];
                signal += r * r;
                noise += (r - h) * (r - h);
            }

            if (signal / 160 < 100 * 100)
            {
                continue; // a pause: segmental measures judge speech frames only
            }

            snrSum += Math.Clamp(10 * Math.Log10(signal / Math.Max(noise, 1e-9)), -10, 35);
            lsdSum += LogSpectralDistance(reference.AsSpan(start, 160), heard.AsSpan(start + lag, 160));
            counted++;
        }

        return counted == 0 ? (double.NaN, double.NaN) : (snrSum / counted, lsdSum / counted);
    }

    private static int BestLag(short[] reference, short[] heard, int maxLag)
    {
        var (best, bestLag) = (double.MinValue, 0);
        for (var lag = 0; lag <= maxLag; lag++)
        {
            double sum = 0;
            for (var i = 0; i < 16000 && i < reference.Length && i + lag < heard.Length; i++)
            {
                sum += reference[i] * (double)heard[i + lag];
            }

            if (sum > best)
            {
                (best, bestLag) = (sum, lag);
            }
        }

        return bestLag;
    }

    private static double LogSpectralDistance(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        // 160-point DFT with a Hann window, bins 1..79 (50 Hz - 3.95 kHz); power floor keeps silent bins finite.
        double sum = 0;
        for (var k = 1; k < 80; k++)
        {
            double ar = 0, ai = 0, br = 0, bi = 0;
            for (var n = 0; n < 160; n++)
            {
                var w = 0.5 - (0.5 * Math.Cos(2 * Math.PI * n / 159));
                var angle = -2 * Math.PI * k * n / 160;
                var (c, s) = (Math.Cos(angle) * w, Math.Sin(angle) * w);
                ar += a[n] * c;
                ai += a[n] * s;
                br += b[n] * c;
                bi += b[n] * s;
            }

            var d = 10 * Math.Log10(((ar * ar) + (ai * ai) + 1e4) / ((br * br) + (bi * bi) + 1e4));
            sum += d * d;
        }

        return Math.Sqrt(sum / 79);
    }

    private static nint BaselineEncoder(int complexity)
    {
        // Exactly what PbxToBrowserPipeline's OpusEncoder is given (src/PbxBridge.Media/Opus/OpusEncoder.cs).
        var encoder = OpusNative.EncoderCreate(8000, 1, OpusNative.ApplicationVoip, out var error);
        if (error != 0)
        {
            throw new InvalidOperationException($"opus_encoder_create: {error}");
        }

        Check(OpusNative.EncoderCtl(encoder, OpusNative.SetSignalRequest, OpusNative.SignalVoice));
        Check(OpusNative.EncoderCtl(encoder, OpusNative.SetComplexityRequest, complexity));
        Check(OpusNative.EncoderCtl(encoder, OpusNative.SetBitrateRequest, 24000));
        Check(OpusNative.EncoderCtl(encoder, OpusNative.SetInbandFecRequest, 1));
        Check(OpusNative.EncoderCtl(encoder, OpusNative.SetPacketLossPercRequest, 10));
        Check(OpusNative.EncoderCtl(encoder, OpusNative.SetDtxRequest, 0));
        return encoder;
    }

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"opus_encoder_ctl: {result}");
        }
    }

    private static (short[] Speech48, short[] Speech8) LoadSpeech(string[] args)
    {
        var at48 = Array.IndexOf(args, "--speech48");
        var at8 = Array.IndexOf(args, "--speech8");
        if (at48 >= 0 && at8 >= 0)
        {
            return (ReadWavMono16(args[at48 + 1], 48000), ReadWavMono16(args[at8 + 1], 8000));
        }

        return (BenchmarkAudio.SpeechLike(48000, 10), BenchmarkAudio.SpeechLike(8000, 10));
    }

    /// <summary>With `--write DIR`, what the agent hears goes to DIR as 8 kHz WAV files, for a perceptual score (PESQ) outside.</summary>
    private static void WriteIfAsked(string[] args, string name, short[] pcm)
    {
        var at = Array.IndexOf(args, "--write");
        if (at < 0)
        {
            return;
        }

        using var file = File.Create(Path.Combine(args[at + 1], name));
        using var writer = new BinaryWriter(file);
        var bytes = pcm.Length * 2;
        writer.Write("RIFF"u8);
        writer.Write(36 + bytes);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(8000);
        writer.Write(16000);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(bytes);
        writer.Write(MemoryMarshal.AsBytes(pcm.AsSpan()));
    }

    private static short[] ReadWavMono16(string path, int expectedRate)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 12;
        var rate = 0;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = BitConverter.ToInt32(bytes, offset + 4);
            if (id == "fmt ")
            {
                rate = BitConverter.ToInt32(bytes, offset + 12);
                if (BitConverter.ToInt16(bytes, offset + 10) != 1 || BitConverter.ToInt16(bytes, offset + 22) != 16)
                {
                    throw new InvalidDataException($"{path}: mono 16-bit PCM expected (sox in.wav -r RATE -c 1 -b 16 out.wav)");
                }
            }
            else if (id == "data")
            {
                if (rate != expectedRate)
                {
                    throw new InvalidDataException($"{path}: {expectedRate} Hz expected, the file is {rate} Hz");
                }

                return MemoryMarshal.Cast<byte, short>(bytes.AsSpan(offset + 8, Math.Min(size, bytes.Length - offset - 8))).ToArray();
            }

            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path}: no data chunk");
    }

    private static double Median(List<double> values) => P(values, 50);

    private static double P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, sorted.Count * percentile / 100)];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    private static long ThreadCpuNs()
    {
        const int ClockThreadCpuTimeId = 3;
        ClockGetTime(ClockThreadCpuTimeId, out var time);
        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }
}
