using PbxBridge.Browser.Simulator.Measurement;

namespace PbxBridge.LoadGen.Reporting;

/// <summary>p50 and p99 of one latency column, with how many samples they come from (NaN when none).</summary>
internal sealed record LatencySummary(double P50Ms, double P99Ms, int Samples)
{
    public static readonly LatencySummary None = new(double.NaN, double.NaN, 0);

    public static LatencySummary Of(IReadOnlyCollection<double> samples) =>
        new(Percentile.Of(samples, 50), Percentile.Of(samples, 99), samples.Count);
}
