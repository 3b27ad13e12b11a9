using System.Globalization;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.LoadGen.Pbx;
using PbxBridge.LoadGen.Reporting;

namespace PbxBridge.LoadGen.Cluster;

/// <summary>
/// Cluster mode (<c>--nodes 1,3</c>): for each cluster size in turn, a fresh PBX (the ARI simulator, or each node's
/// demo PBX), N nodes and the front, warmed up, then every <c>--calls</c> step spread over the nodes. The steps are
/// named cluster-N; their CPU is the nodes' sum, so calls per core compare directly with cluster-1's in the same run.
/// </summary>
internal static class ClusterLoadRun
{
    /// <summary>Calls per node in the warm-up: the runtime recompiles a method with full optimisation after 30 calls.</summary>
    private const int WarmUpCallsPerNode = 32;

    public static async Task<List<StepResult>> RunAsync(
        LoadGenOptions options, ClientCertificate certificate, OpusFrameSource source, MediaPacer pacer, Action<string> progress, CancellationToken cancellationToken)
    {
        var steps = new List<StepResult>();
        foreach (var size in options.ClusterSizes)
        {
            var layout = ClusterLayout.Plan(size, options.Port, options.PbxBridgeMediaPorts);
            var warmUpCalls = WarmUpCallsPerNode * size;
            await using var asterisk = options.Pbx == "asterisk" ? await SimulatedAsterisk.StartAsync(cancellationToken) : null;
            await using var cluster = await PbxBridgeCluster.StartAsync(
                options, layout, Math.Max(options.Calls.Max(), warmUpCalls), asterisk?.PbxBridgeArguments ?? [], options.Front == "haproxy", cancellationToken);
            var nodes = string.Join(", ", layout.Nodes.Select((n, i) => FormattableString.Invariant(
                $"{n.NodeId} pid {cluster.Nodes[i].Pid} port {n.Port} media {n.MediaAddress}:{n.MediaPorts.Min}-{n.MediaPorts.Max}")));
            var front = cluster.FrontPid is { } pid
                ? FormattableString.Invariant($"HAProxy front pid {pid} on port {cluster.Port}")
                : "no front: leg i opens node i mod N";
            progress($"cluster-{size}: {nodes}; {front}");
            var step = new PbxBridgeLoadStep(cluster, certificate, source, pacer, options, asterisk);
            progress($"cluster-{size} warm-up: {warmUpCalls} calls for 3 s, not reported");
            await step.RunAsync(warmUpCalls, TimeSpan.FromSeconds(3), cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            foreach (var calls in options.Calls)
            {
                progress($"cluster-{size}: {calls} calls, hold {options.Hold.TotalSeconds:F0} s");
                var result = await step.RunAsync(calls, options.Hold, cancellationToken);
                steps.Add(result);
                foreach (var failure in result.Failures.Take(5))
                {
                    progress($"  failed: {failure}");
                }

                progress($"  {result.Established}/{calls} up, {LoadReport.ClusterLine(result)}");
                await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            }
        }

        return steps;
    }
}
