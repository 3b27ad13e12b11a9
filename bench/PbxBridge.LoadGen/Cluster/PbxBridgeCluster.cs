using System.Globalization;
using PbxBridge.Testing;

namespace PbxBridge.LoadGen.Cluster;

/// <summary>
/// N PbxBridge nodes in front of one PBX (<c>--nodes</c>), laid out by <see cref="ClusterLayout"/>, each started as
/// the single-node run starts PbxBridge plus <c>Cluster:NodeId</c> and <c>Media:PublicAddress</c>, and (unless
/// <c>--front none</c>) the shipped HAProxy front that every leg's WebSocket goes through. No Cluster:Redis: nothing
/// a call's media does touches Redis, and without it each node goes on alone, as the cluster does when Redis is down.
/// </summary>
internal sealed class PbxBridgeCluster : IBridgeUnderLoad, IAsyncDisposable
{
    private readonly PbxBridgeProcess[] _nodes;
    private readonly HaproxyFront? _front;

    private PbxBridgeCluster(ClusterLayout layout, PbxBridgeProcess[] nodes, HaproxyFront? front)
    {
        Layout = layout;
        _nodes = nodes;
        _front = front;
    }

    public ClusterLayout Layout { get; }

    public IReadOnlyList<PbxBridgeProcess> Nodes => _nodes;

    public IReadOnlyList<int> NodePids => [.. _nodes.Select(n => n.Pid)];

    public int? FrontPid => _front?.Pid;

    public int Port => Layout.FrontPort;

    /// <summary>The shipped front configuration (deploy/haproxy/haproxy.cfg of this checkout).</summary>
    public static string ShippedFrontConfig => Path.Combine(RepoPaths.Root, "deploy", "haproxy", "haproxy.cfg");

    public Uri SipUri(int leg) => new(string.Create(CultureInfo.InvariantCulture,
        $"wss://127.0.0.1:{(_front is null ? Layout.NodeForLeg(leg).Port : Layout.FrontPort)}/sip"));

    /// <param name="frontBinary">haproxy's path, or null: legs open their node's WebSocket directly (round robin).</param>
    public static async Task<PbxBridgeCluster> StartAsync(
        LoadGenOptions options, ClusterLayout layout, int agents, IReadOnlyList<string> pbxArguments, string? frontBinary, CancellationToken cancellationToken)
    {
        var started = new PbxBridgeProcess?[layout.Nodes.Count];
        HaproxyFront? front = null;
        try
        {
            await Task.WhenAll(layout.Nodes.Select(async (node, i) => started[i] = await PbxBridgeProcess.StartAsync(
                Path.GetFullPath(options.PbxBridgeDll), node.Port, node.MediaPorts, agents, options.OpusComplexity,
                Path.Combine(options.StateDirectory, node.NodeId), options.PbxBridgeEnvironment,
                [.. pbxArguments, $"--Cluster:NodeId={node.NodeId}", $"--Media:PublicAddress={node.MediaAddress}"])));
            if (frontBinary is not null)
            {
                front = await HaproxyFront.StartAsync(frontBinary, ShippedFrontConfig, layout, Path.Combine(options.StateDirectory, "front"), cancellationToken);
            }

            return new PbxBridgeCluster(layout, [.. started.Select(n => n!)], front);
        }
        catch
        {
            foreach (var node in started.Where(n => n is not null))
            {
                await node!.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
