namespace PbxBridge.Benchmarks.Media;

/// <summary>
/// A speech-like test signal made in code (no recordings in the repository): a gliding 100-180 Hz voiced source,
/// two formant peaks, a 4 Hz syllabic envelope and pauses, so the codec works as hard as on a talker.
/// </summary>
internal static class BenchmarkAudio
{
    public static short[] SpeechLike(int sampleRate, int seconds)
    {
        var samples = new short[sampleRate * seconds];
        var random = new Random(42);
        var phase = 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            var t = i / (double)sampleRate;
            var pitch = 140 + (40 * Math.Sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * pitch / sampleRate;
            var value = 0.0;
            for (var harmonic = 1; harmonic * pitch < Math.Min(sampleRate / 2.2, 3800); harmonic++)
            {
                var f = harmonic * pitch;
                var d1 = (f - 700) / 150;
                var d2 = (f - 1800) / 250;
                value += ((1.0 / (1 + (d1 * d1))) + (0.6 / (1 + (d2 * d2))) + 0.05) * Math.Sin(harmonic * phase) / harmonic;
            }

            // 1.5 s of talk, 0.5 s of near-silence, like turn-taking in a call.
            var talking = t % 2.0 < 1.5;
            var envelope = talking ? 0.55 + (0.45 * Math.Sin(2 * Math.PI * 4 * t)) : 0.01;
            var noise = (random.NextDouble() - 0.5) * 0.02;
            samples[i] = (short)Math.Clamp(9000 * ((envelope * value) + noise), short.MinValue, short.MaxValue);
        }

        return samples;
    }
}
