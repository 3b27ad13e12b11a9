using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Sip.Auth;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// A real PBX, three PbxBridge nodes in front of it (Cluster:NodeId node1..node3, each its own media address
/// 127.0.0.1N and port ranges) and the shipped HAProxy front (deploy/haproxy/haproxy.cfg with this lab's addresses)
/// that agents' browsers register through. Six agents 1001..1006, each with its own microphone tone. What differs
/// between Asterisk and FreeSWITCH (a node's PBX settings, where the PBX routes an agent, the queue, which channels
/// are a node's) is the subclass's; <see cref="ClusterScenarios"/> runs the same steps on both.
/// </summary>
public abstract class RealPbxClusterFixture<TPbx> : IAsyncLifetime
    where TPbx : class, IRealPbx<TPbx>
{
    public const int NodeCount = 3;
    public const int AgentCount = 6;

    /// <summary>The nodes' Media:ConsentTimeoutSeconds: a dead node's calls end within this in the browsers (ICE consent).</summary>
    public const int ConsentTimeoutSeconds = 10;

    private HaproxyFront? _front;

    public TPbx Pbx { get; private set; } = null!;

    /// <summary>node1..node3 by index 0..2 (a killed node is replaced by its restart).</summary>
    public PbxBridgeProcess[] Nodes { get; } = new PbxBridgeProcess[NodeCount];

    /// <summary>What agents open: https://127.0.0.1:FRONT (wss://.../sip through HAProxy).</summary>
    public Uri FrontUri => _front?.Uri ?? throw new InvalidOperationException(SkipReason ?? "not started");

    public string? SkipReason { get; private set; }

    public string FrontOutput => _front?.Output ?? "";

    /// <summary>What the queue's caller plays (the agent who takes the call hears it).</summary>
    public abstract double QueueCallerHz { get; }

    /// <summary>How long after a kill -9 the PBX has ended the dead node's calls at the latest (its lease or media timeout).</summary>
    public abstract TimeSpan DeadNodeCallsEndWithin { get; }

    public static string AgentId(int index) => (1001 + index).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Each agent's microphone: 500 ... 1600 Hz (none near the queue caller's 1004 Hz).</summary>
    public static double MicrophoneHz(int index) => new[] { 500.0, 700, 900, 1200, 1400, 1600 }[index];

    public static string Library(int index) => index % 2 == 0 ? "jssip" : "sipjs";

    public static string NodeId(int node) => $"node{node + 1}";

    public async Task InitializeAsync()
    {
        SkipReason = TPbx.MissingReason
            ?? (!File.Exists(HaproxyFront.Binary) ? "haproxy is not installed (test.sh installs the Debian package)" : null);
        if (SkipReason is not null)
        {
            return;
        }

        Pbx = await TPbx.StartAsync();
        await Pbx.InstallPbxBridgeConfigurationAsync([.. Pbx.PbxBridgeSettings, .. AgentSettings()]);
        await PrepareSiteAsync();
        await Task.WhenAll(Enumerable.Range(0, NodeCount).Select(async i => Nodes[i] = await StartNodeAsync(i)));
        _front = await HaproxyFront.StartAsync(Pbx.RunDirectory, [.. Enumerable.Range(0, NodeCount).Select(i => (NodeId(i), Nodes[i].Port))]);
    }

    public async Task DisposeAsync()
    {
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        foreach (var node in Nodes.Where(n => n is not null))
        {
            await node.DisposeAsync();
        }

        if (Pbx is not null)
        {
            await Pbx.DisposeAsync();
        }
    }

    /// <summary>kill -9 of a node.</summary>
    public Task KillAsync(int node) => Nodes[node].KillAsync();

    /// <summary>The same node started again, as systemd's Restart=on-failure does.</summary>
    public async Task RestartAsync(int node) => Nodes[node] = await Nodes[node].RestartAsync(TimeSpan.FromSeconds(60));

    /// <summary>The agents registered on <paramref name="node"/> (GET /api/agents), each once.</summary>
    public async Task<IReadOnlyList<string>> AgentsOnAsync(int node)
    {
        using var doc = JsonDocument.Parse(await Nodes[node].Http.GetStringAsync(new Uri("api/agents", UriKind.Relative)));
        return [.. doc.RootElement.EnumerateArray().Select(r => r.GetProperty("agent").GetString()!).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>How many calls <paramref name="node"/> carries (GET /api/calls).</summary>
    public async Task<int> CallCountAsync(int node)
    {
        using var doc = JsonDocument.Parse(await Nodes[node].Http.GetStringAsync(new Uri("api/calls", UriKind.Relative)));
        return doc.RootElement.GetArrayLength();
    }

    /// <summary>What the PBX's dialplan sends <paramref name="agent"/>'s calls to, as the nodes published it ("" when none).</summary>
    public abstract Task<string> RouteOfAsync(string agent);

    /// <summary>What <see cref="RouteOfAsync"/> says for an agent registered on <paramref name="node"/>.</summary>
    public abstract string RouteTo(int node);

    /// <summary>The operator's check once the nodes run (the PBX README's cluster block, where it has one).</summary>
    public abstract Task CheckNodesAsync();

    /// <summary>A queue of <paramref name="members"/> rung in that order, skipping agents who are not free.</summary>
    public abstract Task SetUpQueueAsync(IReadOnlyList<string> members);

    /// <summary>Waits until the queue sees <paramref name="member"/> free (false with what it sees).</summary>
    public abstract Task<(bool Free, string Seen)> WaitQueueFreeAsync(string member);

    /// <summary>A caller into the queue, playing <see cref="QueueCallerHz"/>.</summary>
    public abstract Task CallQueueAsync();

    /// <summary>The PBX's channels that belong to <paramref name="node"/>'s calls, one a line ("" when none).</summary>
    public abstract Task<string> ChannelsOfAsync(int node);

    /// <summary>What the PBX still keeps of <paramref name="node"/> beyond channels (routes naming it, registrations), "" when nothing.</summary>
    public abstract Task<string> LeftOfNodeAsync(int node);

    /// <summary>The PBX-specific per-node settings (where the node's control connection and SIP leg are).</summary>
    protected abstract IEnumerable<string> NodeSettings(int node);

    /// <summary>What the site needs beyond the install steps before the nodes start (e.g. queue agents for 1003-1006).</summary>
    protected abstract Task PrepareSiteAsync();

    public static IReadOnlyList<string> AgentSettings() =>
    [
        .. Enumerable.Range(0, AgentCount).SelectMany(i => new[]
        {
            $"--Agents:{i}:Id={AgentId(i)}",
            $"--Agents:{i}:DisplayName=Agent {AgentId(i)}",
            $"--Agents:{i}:Ha1Md5={SipDigestHa1.ComputeMd5(AgentId(i), "pbxbridge", RealPbxAgents.Password)}",
            $"--Agents:{i}:Ha1Sha256={SipDigestHa1.ComputeSha256(AgentId(i), "pbxbridge", RealPbxAgents.Password)}",
        }),
    ];

    private Task<PbxBridgeProcess> StartNodeAsync(int node) =>
        PbxBridgeProcess.StartAsync(RealPbxAgents.Password, [
            .. Pbx.PbxBridgeSettings,
            .. AgentSettings(),
            .. NodeSettings(node),
            $"--Cluster:NodeId={NodeId(node)}",

            // Each node its own media address (what a browser sends its media to) and its own ports toward the PBX.
            $"--Media:PublicAddress=127.0.0.1{node + 1}",
            $"--Media:BrowserPortStart={40000 + (node * 100)}",
            $"--Media:BrowserPortEnd={40099 + (node * 100)}",
            $"--Media:PbxPortStart={41000 + (node * 100)}",
            $"--Media:PbxPortEnd={41099 + (node * 100)}",

            // A dead node's calls end within this in the browsers (ICE consent), and on Asterisk (the channel lease).
            $"--Media:ConsentTimeoutSeconds={ConsentTimeoutSeconds}",

            // Behind the front (send-proxy-v2): each agent's own address, from the PROXY header of the front's connections.
            "--Http:ProxyProtocol=true",
            $"--Http:ProxyProtocolFronts:0={HaproxyFront.SourceAddress}",
        ], TimeSpan.FromSeconds(60));
}
