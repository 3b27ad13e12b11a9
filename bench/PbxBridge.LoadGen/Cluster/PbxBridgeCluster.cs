using System.Globalization;

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
    private readonly PbxBridge.Testing.HaproxyFront? _front;

    private PbxBridgeCluster(ClusterLayout layout, PbxBridgeProcess[] nodes, PbxBridge.Testing.HaproxyFront? front)
    {
        Layout = layout;
        _nodes = nodes;
        _front = front;
    }

    public ClusterLayout Layout { get; }

    public IReadOnlyList<PbxBridgeProcess> Nodes => _nodes;

    public IReadOnlyList<int> NodePids => [.. _nodes.Select(n => n.Pid)];

    public int? FrontPid => _front?.Pid;

    public int Port => _front?.Port ?? Layout.FrontPort;

    public Uri SipUri(int leg) => new(string.Create(CultureInfo.InvariantCulture,
        $"wss://127.0.0.1:{(_front is null ? Layout.NodeForLeg(leg).Port : _front.Port)}/sip"));

    /// <param name="withFront">The shipped front (PbxBridge.Testing.HaproxyFront, as the cluster tests run it), or none: legs open their node's WebSocket directly (round robin).</param>
    public static async Task<PbxBridgeCluster> StartAsync(
        LoadGenOptions options, ClusterLayout layout, int agents, IReadOnlyList<string> pbxArguments, bool withFront, CancellationToken cancellationToken)
    {
        var started = new PbxBridgeProcess?[layout.Nodes.Count];
        PbxBridge.Testing.HaproxyFront? front = null;
        // Behind the front each node reads the agent's address from the PROXY v2 header the front sends from its own source address.
        string[] frontSettings = withFront ? ["--Http:ProxyProtocol=true", $"--Http:ProxyProtocolFronts:0={PbxBridge.Testing.HaproxyFront.SourceAddress}"] : [];
        try
        {
            await Task.WhenAll(layout.Nodes.Select(async (node, i) => started[i] = await PbxBridgeProcess.StartAsync(
                Path.GetFullPath(options.PbxBridgeDll), node.Port, node.MediaPorts, agents, options.OpusComplexity,
                Path.Combine(options.StateDirectory, node.NodeId), options.PbxBridgeEnvironment,
                [.. pbxArguments, .. frontSettings, $"--Cluster:NodeId={node.NodeId}", $"--Media:PublicAddress={node.MediaAddress}"])));
            if (withFront)
            {
                var directory = Directory.CreateDirectory(Path.Combine(options.StateDirectory, "front")).FullName;
                front = await PbxBridge.Testing.HaproxyFront.StartAsync(directory, [.. layout.Nodes.Select(n => (n.NodeId, n.Port))]);
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
