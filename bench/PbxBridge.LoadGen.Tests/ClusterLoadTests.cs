using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.LoadGen.Cluster;
using PbxBridge.LoadGen.Pbx;
using PbxBridge.LoadGen.Reporting;
using PbxBridge.Testing;

namespace PbxBridge.LoadGen.Tests;

/// <summary>
/// The load generator's cluster mode (bench/loadgen.sh --nodes 1,3, issue 19): how it lays nodes out and spreads legs,
/// and, at CI size, two real nodes behind the shipped HAProxy front in front of one simulated Asterisk, each carrying
/// the media of the legs that landed on it while the front carries only their WebSockets.
/// </summary>
public sealed class ClusterLoadTests
{
    [Fact]
    public void Nodes_get_their_own_id_port_media_address_and_slice_of_the_media_ports_and_legs_go_round_robin()
    {
        var layout = ClusterLayout.Plan(3, 18443, (42000, 45999));

        Assert.Equal(18443, layout.FrontPort);
        Assert.Equal(["node1", "node2", "node3"], layout.Nodes.Select(n => n.NodeId));
        Assert.Equal([18444, 18445, 18446], layout.Nodes.Select(n => n.Port));
        Assert.Equal(["127.0.0.11", "127.0.0.12", "127.0.0.13"], layout.Nodes.Select(n => n.MediaAddress.ToString()));
        Assert.Equal([(42000, 43332), (43333, 44665), (44666, 45998)], layout.Nodes.Select(n => n.MediaPorts));
        Assert.Equal("node2", layout.NodeWithMediaAddress(IPAddress.Parse("127.0.0.12"))?.NodeId);
        Assert.Null(layout.NodeWithMediaAddress(IPAddress.Loopback));

        // Without a front, 30 legs: 10 per node, in turn.
        var perNode = Enumerable.Range(0, 30).GroupBy(leg => layout.NodeForLeg(leg).NodeId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["node1"] = 10, ["node2"] = 10, ["node3"] = 10 }, perNode);
        Assert.Equal("node1", layout.NodeForLeg(3).NodeId);
    }

    [Fact]
    public void Nodes_option_takes_cluster_sizes_and_refuses_what_cannot_be_measured()
    {
        Assert.Empty(LoadGenOptions.Parse([]).ClusterSizes);
        var options = LoadGenOptions.Parse(["--nodes", "1,3", "--front", "none"]);
        Assert.Equal([1, 3], options.ClusterSizes);
        Assert.Equal("none", options.Front);
        Assert.Equal("haproxy", LoadGenOptions.Parse(["--nodes", "2"]).Front);

        Assert.Contains("1-200", Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--nodes", "0"])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--nodes", "1,x"]));
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--nodes", "-1"]));
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--front", "nginx"]));
        Assert.Contains("ICE-TCP", Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--nodes", "3", "--transport", "tcp"])).Message, StringComparison.Ordinal);
        // 3 nodes cannot share 12 ports: refused while parsing, before any process starts.
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--nodes", "3", "--pbxbridge-media-ports", "40000-40011"]));
    }

    [Fact]
    public void A_cluster_is_compared_with_one_node_at_the_same_total_calls_and_at_the_same_calls_per_node()
    {
        StepResult Step(int nodes, int calls, double cpu) => new()
        {
            Target = $"cluster-{nodes}", Nodes = nodes, Calls = calls, Established = calls, Failed = 0, HoldSeconds = 20, CpuMsPerCallSecond = cpu,
        };
        var one10 = Step(1, 10, 14.0);
        var one30a = Step(1, 30, 8.0);
        var one30b = Step(1, 30, 12.0);
        var three30 = Step(3, 30, 14.0);
        var three31 = Step(3, 31, 14.0);
        List<StepResult> steps = [one10, one30a, three30, one30b, three31];

        // Same total: against the mean of both one-node runs at 30 (1000/8 and 1000/12 calls per core).
        Assert.Equal((1000 / 14.0) / ((125 + (1000 / 12.0)) / 2), LoadReport.VersusOneNode(steps, three30)!.Value, 9);
        // Same calls per node: 3 x 10 against 1 x 10, equal cost per call-second.
        Assert.Equal(1.0, LoadReport.VersusOneNodeAtSameLoad(steps, three30)!.Value, 9);
        Assert.Null(LoadReport.VersusOneNodeAtSameLoad(steps, three31));
        Assert.Null(LoadReport.VersusOneNodeAtSameLoad(steps, one30a));
        Assert.Null(LoadReport.VersusOneNode([three30], three30));
    }

    [Fact]
    public async Task Two_nodes_behind_the_haproxy_front_each_carry_the_media_of_their_own_legs()
    {
        Assert.True(File.Exists(HaproxyFront.Binary), "haproxy is not installed: test.sh installs Debian's haproxy");
        var state = Directory.CreateTempSubdirectory("pbxbridge-loadgen-cluster-").FullName;
        try
        {
            var options = LoadGenOptions.Parse(
            [
                "--nodes", "2", "--calls", "4", "--hold", "1", "--pbxbridge-dll", RepoPaths.PbxBridgeDll,
                "--port", FreeTcpPort().ToString(CultureInfo.InvariantCulture), "--pbxbridge-media-ports", "39600-39799", "--state-dir", state,
            ]);
            var layout = ClusterLayout.Plan(2, options.Port, options.PbxBridgeMediaPorts);
            using var pacer = new MediaPacer();
            await using var asterisk = await SimulatedAsterisk.StartAsync(CancellationToken.None);
            await using var cluster = await PbxBridgeCluster.StartAsync(options, layout, 4, asterisk.PbxBridgeArguments, withFront: true, CancellationToken.None);
            var step = new PbxBridgeLoadStep(cluster, ClientCertificate.Generate(), OpusFrameSource.Create(null, seconds: 2), pacer, options, asterisk);

            var result = await step.RunAsync(4, TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

            Assert.True(result.Failed == 0, string.Join("\n", result.Failures) + string.Concat(cluster.Nodes.Select(n => File.ReadAllText(n.LogPath))));
            Assert.Equal("cluster-2", result.Target);
            Assert.Equal(2, result.Nodes);
            // Every leg's WebSocket went to the front, yet its media to a node's own address, and both nodes got some.
            Assert.Equal(["127.0.0.11", "127.0.0.12"], result.LegsByMediaAddress.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(4, result.LegsByMediaAddress.Values.Sum());
            Assert.True(result.PacketsReceived > 4 * 40, $"only {result.PacketsReceived} packets came back through the echo");
            Assert.All(result.NodeCpuMsPerCallSecond, cpu => Assert.True(cpu > 0, "a node carried media yet spent no CPU"));
            Assert.True(double.IsFinite(result.FrontCpuMsPerCallSecond), "the front's CPU was not read");
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }


    private static int FreeTcpPort()
    {
        // The front's port and the two nodes' after it must all be free: take one and check the next two.
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (port < 65000 && IsFree(port + 1) && IsFree(port + 2))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
