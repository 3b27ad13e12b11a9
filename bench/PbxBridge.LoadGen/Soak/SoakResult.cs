using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbxBridge.LoadGen.Soak;

/// <summary>What a soak found: every sample taken, the figures it judged, what exceeded its allowance, and failed calls.</summary>
internal sealed record SoakResult(
    IReadOnlyList<ResourceSample> Samples,
    ResourceSample Baseline,
    ResourceSample Final,
    IReadOnlyList<string> Violations,
    IReadOnlyList<string> CallFailures,
    int SequentialCalls,
    int ConcurrentCalls,
    double SequentialSeconds)
{
    public bool Passed => Violations.Count == 0 && CallFailures.Count == 0;

    public string Table()
    {
        var text = new StringBuilder();
        foreach (var sample in Samples)
        {
            text.AppendLine(sample.ToString());
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{SequentialCalls} sequential calls took {SequentialSeconds:F0} s; {CallFailures.Count} calls failed, warm-up included");
        foreach (var failure in CallFailures.Take(10))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  failed: {failure}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"threads by name, baseline -> final: {Final.ThreadNamesChangedSince(Baseline)}");
        text.AppendLine(Violations.Count == 0 ? "soak: PASS, every figure within its allowance" : "soak: FAIL");
        foreach (var violation in Violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {violation}");
        }

        return text.ToString();
    }

    public string Json()
    {
        static JsonObject Sample(ResourceSample s) => new()
        {
            ["label"] = s.Label,
            ["open_fds"] = s.OpenFds,
            ["udp_sockets"] = s.UdpSockets,
            ["threads"] = s.Threads,
            ["heap_bytes_after_full_gc"] = s.HeapBytes,
            ["rss_kb"] = s.RssKb,
        };

        return new JsonObject
        {
            ["soak"] = Passed ? "pass" : "fail",
            ["sequential_calls"] = SequentialCalls,
            ["concurrent_calls"] = ConcurrentCalls,
            ["failed_calls"] = CallFailures.Count,
            ["baseline"] = Sample(Baseline),
            ["final"] = Sample(Final),
            ["samples"] = new JsonArray([.. Samples.Select(Sample)]),
            ["violations"] = new JsonArray([.. Violations.Select(v => (JsonNode)v)]),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
