namespace PbxBridge.Asterisk.Tests.Support;

/// <summary>How much of a signal's energy sits at one frequency (Goertzel filter), to check a tone by frequency.</summary>
internal static class Goertzel
{
    public static double Ratio(IReadOnlyList<short> samples, double hz, double sampleRate)
    {
        if (samples.Count == 0)
        {
            return 0;
        }

        var coefficient = 2 * Math.Cos(2 * Math.PI * hz / sampleRate);
        double s1 = 0, s2 = 0, energy = 0;
        foreach (var sample in samples)
        {
            var s0 = sample + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
            energy += (double)sample * sample;
        }

        var power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return energy == 0 ? 0 : 2 * power / (samples.Count * energy);
    }
}
