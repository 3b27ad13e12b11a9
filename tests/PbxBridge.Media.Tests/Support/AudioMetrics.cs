namespace PbxBridge.Media.Tests.Support;

/// <summary>Measurements used to judge codec paths by what a listener would notice, not by bytes.</summary>
internal static class AudioMetrics
{
    /// <summary>Goertzel power of <paramref name="frequency"/> in the signal.</summary>
    public static double GoertzelPower(ReadOnlySpan<short> pcm, int sampleRate, double frequency)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var sample in pcm)
        {
            var s0 = sample + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
    }

    /// <summary>The frequency with the most energy between <paramref name="from"/> and <paramref name="to"/>, in 0.25 Hz steps.</summary>
    public static double DominantFrequency(ReadOnlySpan<short> pcm, int sampleRate, double from, double to)
    {
        var best = from;
        var bestPower = double.MinValue;
        for (var f = from; f <= to; f += 0.25)
        {
            var power = GoertzelPower(pcm, sampleRate, f);
            if (power > bestPower)
            {
                bestPower = power;
                best = f;
            }
        }

        return best;
    }

    /// <summary>
    /// Tone SNR in dB: a least-squares sine (plus DC) at <paramref name="frequency"/> is fitted to the signal; what
    /// the fit leaves over is noise (codec distortion, quantisation, artefacts).
    /// </summary>
    public static double ToneSnrDb(ReadOnlySpan<short> pcm, int sampleRate, double frequency)
    {
        double cc = 0, ss = 0, cs = 0, xc = 0, xs = 0, mean = 0;
        foreach (var sample in pcm)
        {
            mean += sample;
        }

        mean /= pcm.Length;
        for (var i = 0; i < pcm.Length; i++)
        {
            var c = Math.Cos(2 * Math.PI * frequency * i / sampleRate);
            var s = Math.Sin(2 * Math.PI * frequency * i / sampleRate);
            var x = pcm[i] - mean;
            cc += c * c;
            ss += s * s;
            cs += c * s;
            xc += x * c;
            xs += x * s;
        }

        var determinant = (cc * ss) - (cs * cs);
        var a = ((xc * ss) - (xs * cs)) / determinant;
        var b = ((xs * cc) - (xc * cs)) / determinant;
        double signal = 0, noise = 0;
        for (var i = 0; i < pcm.Length; i++)
        {
            var fit = (a * Math.Cos(2 * Math.PI * frequency * i / sampleRate)) + (b * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
            signal += fit * fit;
            var residual = pcm[i] - mean - fit;
            noise += residual * residual;
        }

        return 10 * Math.Log10(signal / Math.Max(noise, 1e-9));
    }

    /// <summary>SNR in dB of <paramref name="test"/> against <paramref name="reference"/>, sample by sample.</summary>
    public static double SnrDb(ReadOnlySpan<short> reference, ReadOnlySpan<short> test)
    {
        double signal = 0, noise = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            signal += (double)reference[i] * reference[i];
            var error = (double)reference[i] - test[i];
            noise += error * error;
        }

        return 10 * Math.Log10(signal / Math.Max(noise, 1e-9));
    }

    /// <summary>Segmental SNR (mean of per-segment SNRs, each clamped to -10..35 dB as is customary).</summary>
    public static double SegmentalSnrDb(ReadOnlySpan<short> reference, ReadOnlySpan<short> test, int segmentLength)
    {
        double total = 0;
        var segments = 0;
        for (var start = 0; start + segmentLength <= reference.Length; start += segmentLength)
        {
            var snr = SnrDb(reference.Slice(start, segmentLength), test.Slice(start, segmentLength));
            total += Math.Clamp(snr, -10, 35);
            segments++;
        }

        return total / segments;
    }

    /// <summary>
    /// Log-spectral distance in dB between two frames (Hann window, DFT magnitude, bins up to Nyquist): the usual
    /// objective measure for concealment, which judges whether a synthesised frame sounds like the missing one
    /// without demanding the same waveform phase.
    /// </summary>
    public static double LogSpectralDistanceDb(ReadOnlySpan<short> reference, ReadOnlySpan<short> test)
    {
        var n = reference.Length;
        double sum = 0;
        var bins = n / 2;
        for (var k = 1; k < bins; k++)
        {
            double rr = 0, ri = 0, tr = 0, ti = 0;
            for (var i = 0; i < n; i++)
            {
                var w = 0.5 - (0.5 * Math.Cos(2 * Math.PI * i / (n - 1)));
                var angle = 2 * Math.PI * k * i / n;
                var c = Math.Cos(angle) * w;
                var s = Math.Sin(angle) * w;
                rr += reference[i] * c;
                ri -= reference[i] * s;
                tr += test[i] * c;
                ti -= test[i] * s;
            }

            // A floor 60 dB under full scale keeps an all-zero frame finite.
            const double floor = 1e3;
            var difference = (10 * Math.Log10((rr * rr) + (ri * ri) + floor)) - (10 * Math.Log10((tr * tr) + (ti * ti) + floor));
            sum += difference * difference;
        }

        return Math.Sqrt(sum / (bins - 1));
    }
}
