using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbxBridge.LoadGen.Reporting;

/// <summary>The human table and the final machine-readable JSON line (the issue's format, plus every step).</summary>
internal static class LoadReport
{
    public static string Table(IReadOnlyList<StepResult> steps, double libopusMsPerCallSecond, int complexity)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"target",-13} {"calls",5} {"ok",4} {"fail",4} {"cpu ms/call-s",13} {"calls/core",10} {"xlibopus",8} {"RSS KB/call",11} {"lost",6} {"late",6} {"rtt p50",8} {"rtt p99",8} {"b>p p50",8} {"b>p p99",8} {"held p50",8} {"excl p50",8} {"excl p99",8} {"p>b p50",8} {"p>b p99",8} {"setup p50",9} {"setup p99",9}");
        foreach (var step in steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{step.Target,-13} {step.Calls,5} {step.Established,4} {step.Failed,4} {step.CpuMsPerCallSecond,13:F2} {step.CallsPerCore,10:F0} {step.CpuMsPerCallSecond / libopusMsPerCallSecond,8:F2} {step.RssKbPerCall,11:F0} {step.PacketsLost,6} {step.PacketsLate,6} {step.RoundTripP50Ms,8:F1} {step.RoundTripP99Ms,8:F1} {step.BrowserToPbx.P50Ms,8:F2} {step.BrowserToPbx.P99Ms,8:F2} {step.BrowserToPbxHeld.P50Ms,8:F2} {step.BrowserToPbxExcludingJitter.P50Ms,8:F2} {step.BrowserToPbxExcludingJitter.P99Ms,8:F2} {step.PbxToBrowser.P50Ms,8:F2} {step.PbxToBrowser.P99Ms,8:F2} {step.SetupP50Ms,9:F0} {step.SetupP99Ms,9:F0}");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"libopus",-13} {"-",5} {"-",4} {"-",4} {libopusMsPerCallSecond,13:F2} {1000 / libopusMsPerCallSecond,10:F0} {1.0,8:F2}   (decode 48k frames at 8 kHz + encode 8 kHz, complexity {complexity}, one thread)");
        foreach (var step in steps.Where(s => s.Target.StartsWith("cluster-", StringComparison.Ordinal)))
        {
            var vsOne = VersusOneNode(steps, step) is { } ratio ? FormattableString.Invariant($", calls/core {ratio:F3}x cluster-1's at {step.Calls} calls") : string.Empty;
            var vsSameLoad = VersusOneNodeAtSameLoad(steps, step) is { } perNode
                ? FormattableString.Invariant($", {perNode:F3}x cluster-1's at {step.Calls / step.Nodes} calls (the same calls per node)")
                : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"{step.Target,-13} {step.Calls,5}: {ClusterLine(step)}{vsOne}{vsSameLoad}");
        }

        return text.ToString();
    }

    /// <summary>One cluster step: each node's CPU, the front's, where the legs' media went, the load average.</summary>
    public static string ClusterLine(StepResult step)
    {
        var nodes = string.Join(" + ", step.NodeCpuMsPerCallSecond.Select(c => c.ToString("F2", CultureInfo.InvariantCulture)));
        var media = string.Join(" ", step.LegsByMediaAddress.Select(kv => FormattableString.Invariant($"{kv.Key}={kv.Value}")));
        return FormattableString.Invariant(
            $"{step.CpuMsPerCallSecond:F2} ms/call-s over {step.Nodes} node(s) ({nodes}), {step.CallsPerCore:F0} calls/core, front {step.FrontCpuMsPerCallSecond:F3} ms/call-s, media to {media}, loadavg {step.LoadAverage:F2}");
    }

    /// <summary>
    /// Calls per core of <paramref name="step"/> over cluster-1's at the same number of calls in this run (their mean
    /// when one node was measured more than once, e.g. <c>--nodes 1,3,1,3</c> to see the shared machine's drift).
    /// </summary>
    public static double? VersusOneNode(IReadOnlyList<StepResult> steps, StepResult step)
    {
        var one = steps.Where(s => s.Target == "cluster-1" && s.Calls == step.Calls && s.Established > 0).ToList();
        return one.Count > 0 ? step.CallsPerCore / one.Average(s => s.CallsPerCore) : null;
    }

    /// <summary>
    /// Calls per core of <paramref name="step"/> over cluster-1's carrying as many calls as each of its nodes does
    /// (e.g. 3 nodes x 10 calls against 1 node x 10): a process's cost per call falls as its calls grow (fixed costs
    /// and wake-ups shared by more calls), so this is the like-for-like figure; null without that step.
    /// </summary>
    public static double? VersusOneNodeAtSameLoad(IReadOnlyList<StepResult> steps, StepResult step)
    {
        if (step.Nodes < 2 || step.Calls % step.Nodes != 0)
        {
            return null;
        }

        var one = steps.Where(s => s.Target == "cluster-1" && s.Calls == step.Calls / step.Nodes && s.Established > 0).ToList();
        return one.Count > 0 ? step.CallsPerCore / one.Average(s => s.CallsPerCore) : null;
    }

    public static string FinalJson(IReadOnlyList<StepResult> steps, double libopusMsPerCallSecond, int complexity, double? pbxBridgeIdleCpuMsPerSecond, string pbx, string rtpengineOpusSide)
    {
        var bridge = steps.Where(s => s.Target == "pbxbridge").ToList();
        var rtpengine = steps.Where(s => s.Target == "rtpengine").ToList();
        var tcp = steps.Where(s => s.Target == "pbxbridge-tcp").ToList();
        var tcpLargest = tcp.Count > 0 ? tcp.MaxBy(s => s.Calls) : null;
        // TCP beside UDP at the same number of calls, in this run.
        var udpAtTcpCalls = tcpLargest is null ? null : bridge.Find(s => s.Calls == tcpLargest.Calls);
        var largest = bridge.Count > 0 ? bridge.MaxBy(s => s.Calls) : null;
        var rtpLargest = rtpengine.Count > 0 ? rtpengine.MaxBy(s => s.Calls) : null;
        var json = new JsonObject
        {
            ["calls"] = largest?.Calls,
            ["pbx"] = pbx,
            ["opus_complexity"] = complexity,
            ["pbxbridge_cpu_ms_per_call_s"] = Round(largest?.CpuMsPerCallSecond),
            ["rtpengine_cpu_ms_per_call_s"] = Round(rtpLargest?.CpuMsPerCallSecond),
            ["pbxbridge_ice_tcp_cpu_ms_per_call_s"] = Round(tcpLargest?.CpuMsPerCallSecond),
            ["pbxbridge_ice_tcp_vs_udp"] = Round(tcpLargest?.CpuMsPerCallSecond / udpAtTcpCalls?.CpuMsPerCallSecond),
            ["ice_tcp_failed"] = tcp.Count > 0 ? tcp.Sum(s => s.Failed) : null,
            ["rtpengine_opus_side"] = rtpengine.Count > 0 ? rtpengineOpusSide : null,
            ["libopus_only_cpu_ms_per_call_s"] = Round(libopusMsPerCallSecond),
            ["pbxbridge_marginal_cpu_ms_per_call_s"] = Round(Marginal(bridge)),
            ["rtpengine_marginal_cpu_ms_per_call_s"] = Round(Marginal(rtpengine)),
            ["pbxbridge_idle_cpu_ms_per_s"] = Round(pbxBridgeIdleCpuMsPerSecond),
            ["pbxbridge_calls_per_core"] = Round(largest?.CallsPerCore),
            ["rtpengine_calls_per_core"] = Round(rtpLargest?.CallsPerCore),
            ["pbxbridge_vs_libopus"] = Round(largest?.CpuMsPerCallSecond / libopusMsPerCallSecond),
            ["pbxbridge_vs_rtpengine_calls_per_core"] = Round(largest?.CallsPerCore / rtpLargest?.CallsPerCore),
            ["echo_rtt_p50_ms"] = Round(largest?.RoundTripP50Ms),
            ["echo_rtt_p99_ms"] = Round(largest?.RoundTripP99Ms),
            ["oneway_pbx_to_browser_p50_ms"] = Round(largest?.PbxToBrowser.P50Ms),
            ["oneway_pbx_to_browser_p99_ms"] = Round(largest?.PbxToBrowser.P99Ms),
            ["oneway_browser_to_pbx_p50_ms"] = Round(largest?.BrowserToPbx.P50Ms),
            ["oneway_browser_to_pbx_p99_ms"] = Round(largest?.BrowserToPbx.P99Ms),
            ["oneway_browser_to_pbx_excl_jitter_p50_ms"] = Round(largest?.BrowserToPbxExcludingJitter.P50Ms),
            ["oneway_browser_to_pbx_excl_jitter_p99_ms"] = Round(largest?.BrowserToPbxExcludingJitter.P99Ms),
            ["setup_p99_ms"] = Round(bridge.Count > 0 ? bridge.Max(s => s.SetupP99Ms) : null),
            ["rss_kb_per_call"] = Round(largest?.RssKbPerCall),
            ["lost"] = bridge.Sum(s => s.PacketsLost),
            ["late"] = bridge.Sum(s => s.PacketsLate),
            ["failed"] = bridge.Sum(s => s.Failed),
            ["cluster"] = steps.Any(s => s.Target.StartsWith("cluster-", StringComparison.Ordinal))
                ? new JsonArray([.. steps.Where(s => s.Target.StartsWith("cluster-", StringComparison.Ordinal)).Select(s => ClusterJson(steps, s))])
                : null,
            ["steps"] = new JsonArray([.. steps.Select(StepJson)]),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static JsonObject ClusterJson(IReadOnlyList<StepResult> steps, StepResult step) => new()
    {
        ["nodes"] = step.Nodes,
        ["calls"] = step.Calls,
        ["failed"] = step.Failed,
        ["cpu_ms_per_call_s"] = Round(step.CpuMsPerCallSecond),
        ["calls_per_core"] = Round(step.CallsPerCore),
        ["calls_per_core_vs_one_node"] = Round3(VersusOneNode(steps, step)),
        ["calls_per_core_vs_one_node_same_calls_per_node"] = Round3(VersusOneNodeAtSameLoad(steps, step)),
        ["node_cpu_ms_per_call_s"] = new JsonArray([.. step.NodeCpuMsPerCallSecond.Select(c => (JsonNode?)Round(c))]),
        ["front_cpu_ms_per_call_s"] = double.IsFinite(step.FrontCpuMsPerCallSecond) ? Math.Round(step.FrontCpuMsPerCallSecond, 3) : null,
        ["legs_by_media_address"] = new JsonObject([.. step.LegsByMediaAddress.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
        ["load_average"] = Round(step.LoadAverage),
    };

    private static JsonObject StepJson(StepResult step) => new()
    {
        ["target"] = step.Target,
        ["calls"] = step.Calls,
        ["established"] = step.Established,
        ["failed"] = step.Failed,
        ["refused_503"] = step.Refused503,
        ["refusal_p99_ms"] = Round(step.RefusalP99Ms),
        ["hold_s"] = Round(step.HoldSeconds),
        ["cpu_ms_per_call_s"] = Round(step.CpuMsPerCallSecond),
        ["calls_per_core"] = Round(step.CallsPerCore),
        ["rss_kb_per_call"] = Round(step.RssKbPerCall),
        ["rss_mb"] = Round(step.RssMb),
        ["sent"] = step.PacketsSent,
        ["received"] = step.PacketsReceived,
        ["lost"] = step.PacketsLost,
        ["late"] = step.PacketsLate,
        ["echo_rtt_p50_ms"] = Round(step.RoundTripP50Ms),
        ["echo_rtt_p99_ms"] = Round(step.RoundTripP99Ms),
        ["echo_rtt_samples"] = step.RoundTripSamples,
        ["oneway_pbx_to_browser_p50_ms"] = Round(step.PbxToBrowser.P50Ms),
        ["oneway_pbx_to_browser_p99_ms"] = Round(step.PbxToBrowser.P99Ms),
        ["oneway_pbx_to_browser_samples"] = step.PbxToBrowser.Samples,
        ["oneway_browser_to_pbx_p50_ms"] = Round(step.BrowserToPbx.P50Ms),
        ["oneway_browser_to_pbx_p99_ms"] = Round(step.BrowserToPbx.P99Ms),
        ["oneway_browser_to_pbx_held_p50_ms"] = Round(step.BrowserToPbxHeld.P50Ms),
        ["oneway_browser_to_pbx_held_p99_ms"] = Round(step.BrowserToPbxHeld.P99Ms),
        ["oneway_browser_to_pbx_excl_jitter_p50_ms"] = Round(step.BrowserToPbxExcludingJitter.P50Ms),
        ["oneway_browser_to_pbx_excl_jitter_p99_ms"] = Round(step.BrowserToPbxExcludingJitter.P99Ms),
        ["oneway_browser_to_pbx_samples"] = step.BrowserToPbx.Samples,
        ["setup_p50_ms"] = Round(step.SetupP50Ms),
        ["setup_p99_ms"] = Round(step.SetupP99Ms),
        ["loadgen_cpu_ms_per_call_s"] = Round(step.LoadGenCpuMsPerCallSecond),
        ["pacer_late_slots"] = step.PacerLateSlots,
    };

    /// <summary>
    /// Slope of total CPU rate between the two smallest steps: the cost of one more call without the fixed cost of
    /// the process (timers, pacer threads), and before the largest step may saturate a small shared machine.
    /// </summary>
    public static double? Marginal(IReadOnlyList<StepResult> steps)
    {
        var ordered = steps.Where(s => s.Established > 0).OrderBy(s => s.Established).ToList();
        if (ordered.Count < 2)
        {
            return null;
        }

        var (a, b) = (ordered[0], ordered[1]);
        return ((b.CpuMsPerCallSecond * b.Established) - (a.CpuMsPerCallSecond * a.Established)) / (b.Established - a.Established);
    }

    private static double? Round3(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 3) : null;

    private static double? Round(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 2) : null;
}
