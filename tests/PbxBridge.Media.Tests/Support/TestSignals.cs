namespace PbxBridge.Media.Tests.Support;

/// <summary>Deterministic test audio.</summary>
internal static class TestSignals
{
    public static short[] Tone(double frequency, int sampleRate, int samples, double amplitude = 8000)
    {
        var pcm = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            pcm[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return pcm;
    }

    /// <summary>
    /// A voiced, speech-like signal: a glottal-like harmonic series on a pitch that glides between 100 and 180 Hz,
    /// shaped by two formant-ish resonances and a 4 Hz syllabic envelope. Non-stationary, so concealment is tested
    /// on something harder than a steady tone.
    /// </summary>
    public static short[] SpeechLike(int sampleRate, int samples, int seed = 1)
    {
        var random = new Random(seed);
        var pcm = new short[samples];
        var phase = 0.0;
        for (var i = 0; i < samples; i++)
        {
            var t = i / (double)sampleRate;
            var pitch = 140 + (40 * Math.Sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * pitch / sampleRate;
            var value = 0.0;
            // Harmonics stop at 3.8 kHz: the PBX side is narrowband and this keeps generation cheap.
            for (var harmonic = 1; harmonic * pitch < Math.Min(sampleRate / 2.2, 3800); harmonic++)
            {
                var f = harmonic * pitch;
                var d1 = (f - 700) / 150;
                var d2 = (f - 1800) / 250;
                var formants = (1.0 / (1 + (d1 * d1))) + (0.6 / (1 + (d2 * d2))) + 0.05;
                value += formants * Math.Sin(harmonic * phase) / harmonic;
            }

            var envelope = 0.55 + (0.45 * Math.Sin(2 * Math.PI * 4 * t));
            var noise = (random.NextDouble() - 0.5) * 0.02;
            pcm[i] = (short)Math.Clamp(9000 * ((envelope * value) + noise), short.MinValue, short.MaxValue);
        }

        return pcm;
    }
}
