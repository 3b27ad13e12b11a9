namespace PbxBridge.Browser.Simulator.Measurement;

/// <summary>Nearest-rank percentile (NaN for no samples, so an empty measurement never reads as 0 ms).</summary>
internal static class Percentile
{
    public static double Of(IReadOnlyCollection<double> samples, double percent)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
