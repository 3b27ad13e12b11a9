using System.Globalization;
using System.Net;

namespace PbxBridge.LoadGen.Cluster;

/// <summary>One PbxBridge node of a measured cluster: its Cluster:NodeId, HTTPS port, media address and UDP ports.</summary>
internal sealed record ClusterNode(string NodeId, int Port, IPAddress MediaAddress, (int Min, int Max) MediaPorts);

/// <summary>
/// How <c>--nodes N</c> lays N PbxBridge nodes out on this machine, as deploy/haproxy/README.md lays out a site: each
/// node its own Cluster:NodeId (node1..nodeN), HTTPS port (<c>--port</c> + 1 + i), media address 127.0.0.(11 + i)
/// (Media:PublicAddress, so a leg's SDP answer names the node its media goes to) and its own slice of the media port
/// range; the front (on a free port) is where every leg opens its WebSocket. Without a front
/// (<c>--front none</c>) leg i opens node i mod N's WebSocket directly.
/// </summary>
internal sealed class ClusterLayout
{
    /// <summary>Ports a node needs at least: 2 per call side, and a few calls' worth.</summary>
    private const int MinimumPortsPerNode = 8;

    private ClusterLayout(int frontPort, IReadOnlyList<ClusterNode> nodes)
    {
        FrontPort = frontPort;
        Nodes = nodes;
    }

    public int FrontPort { get; }

    public IReadOnlyList<ClusterNode> Nodes { get; }

    public static ClusterLayout Plan(int nodes, int frontPort, (int Min, int Max) mediaPorts)
    {
        if (nodes is < 1 or > 200)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--nodes: a cluster has 1-200 nodes, not {nodes}"));
        }

        if (frontPort + nodes > 65535)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--port {frontPort}: {nodes} node ports above it do not fit below 65536"));
        }

        var perNode = (mediaPorts.Max - mediaPorts.Min + 1) / nodes;
        if (perNode < MinimumPortsPerNode)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--pbxbridge-media-ports {mediaPorts.Min}-{mediaPorts.Max}: {nodes} nodes need at least {MinimumPortsPerNode} ports each"));
        }

        var list = new List<ClusterNode>(nodes);
        for (var i = 0; i < nodes; i++)
        {
            var min = mediaPorts.Min + (i * perNode);
            list.Add(new ClusterNode(
                string.Create(CultureInfo.InvariantCulture, $"node{i + 1}"),
                frontPort + 1 + i,
                new IPAddress([127, 0, 0, (byte)(11 + i)]),
                (min, min + perNode - 1)));
        }

        return new ClusterLayout(frontPort, list);
    }

    /// <summary>Without a front: the node leg <paramref name="leg"/> registers and calls on (round robin).</summary>
    public ClusterNode NodeForLeg(int leg) => Nodes[leg % Nodes.Count];

    /// <summary>The node whose media address is <paramref name="address"/> (a leg's SDP answer), or null.</summary>
    public ClusterNode? NodeWithMediaAddress(IPAddress address) => Nodes.FirstOrDefault(n => n.MediaAddress.Equals(address));
}
