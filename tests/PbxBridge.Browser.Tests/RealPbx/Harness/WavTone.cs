namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// The tone in a PBX's recording (MixMonitor's r() file, FreeSWITCH's record_session): 16-bit PCM WAV, mono. What a
/// PBX-side party heard is read from there, since it has no browser to measure it.
/// </summary>
public static class WavTone
{
    /// <summary>
    /// The strongest frequency (Goertzel power, 100-3000 Hz in 2 Hz steps) and the RMS level (dBFS) of the
    /// <paramref name="seconds"/> before the last <paramref name="skipEnd"/> seconds of the recording. A spectral peak,
    /// not zero crossings: codec noise on a loud tone moves crossings by tens of hertz.
    /// </summary>
    public static (double Hz, double LevelDb) Before(string path, double seconds, double skipEnd)
    {
        var bytes = File.ReadAllBytes(path);
        var (rate, data, length) = DataChunk(bytes);
        var samples = length / 2;
        var end = samples - (int)(skipEnd * rate);
        var start = Math.Max(0, end - (int)(seconds * rate));
        if (end - start < rate / 10)
        {
            return (0, -120);
        }

        var window = new double[end - start];
        double sum = 0;
        for (var i = 0; i < window.Length; i++)
        {
            window[i] = Sample(bytes, data, start + i) / 32768.0;
            sum += window[i] * window[i];
        }

        var (bestHz, bestPower) = (0.0, 0.0);
        for (var hz = 100.0; hz <= 3000; hz += 2)
        {
            var coefficient = 2 * Math.Cos(2 * Math.PI * hz / rate);
            double s1 = 0, s2 = 0;
            foreach (var x in window)
            {
                var s0 = x + (coefficient * s1) - s2;
                s2 = s1;
                s1 = s0;
            }

            var power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
            if (power > bestPower)
            {
                (bestHz, bestPower) = (hz, power);
            }
        }

        var rms = Math.Sqrt(sum / window.Length);
        return (bestHz, rms > 0 ? 20 * Math.Log10(rms) : -120);
    }

    private static short Sample(byte[] bytes, int data, int index) => BitConverter.ToInt16(bytes, data + (2 * index));

    // RIFF chunks after the 12-byte header: "fmt " gives the rate, "data" the samples (a recording still being
    // written may say 0 as its size: then everything to the end of the file counts).
    private static (int Rate, int Offset, int Length) DataChunk(byte[] bytes)
    {
        var rate = 8000;
        var at = 12;
        while (at + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, at, 4);
            var size = BitConverter.ToInt32(bytes, at + 4);
            if (id == "fmt ")
            {
                rate = BitConverter.ToInt32(bytes, at + 12);
            }
            else if (id == "data")
            {
                var available = bytes.Length - (at + 8);
                return (rate, at + 8, size <= 0 || size > available ? available : size);
            }

            at += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{bytes.Length} bytes without a WAV data chunk");
    }
}
