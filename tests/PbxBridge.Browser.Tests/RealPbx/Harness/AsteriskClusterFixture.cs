using System.Text.Json;
using PbxBridge.Browser.Tests.Harness;
using PbxBridge.Sip.Auth;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// A real Asterisk, three PbxBridge nodes in front of it (Cluster:NodeId node1..node3, each its own media address
/// 127.0.0.1N and port ranges) and the shipped HAProxy front (deploy/haproxy/haproxy.cfg with this lab's addresses)
/// that agents' browsers register through. Six agents 1001..1006, each with its own microphone tone.
/// </summary>
public sealed class AsteriskClusterFixture : IAsyncLifetime
{
    public const int NodeCount = 3;
    public const int AgentCount = 6;

    /// <summary>The nodes' Media:ConsentTimeoutSeconds, and so their channel lease toward Asterisk.</summary>
    public const int ConsentTimeoutSeconds = 10;

    private HaproxyFront? _front;

    public RealAsterisk Pbx { get; private set; } = null!;

    /// <summary>node1..node3 by index 0..2 (a killed node is replaced by its restart).</summary>
    public PbxBridgeProcess[] Nodes { get; } = new PbxBridgeProcess[NodeCount];

    public int FrontPort { get; private set; }

    /// <summary>What agents open: https://127.0.0.1:FRONT (wss://.../sip through HAProxy).</summary>
    public Uri FrontUri => new($"https://127.0.0.1:{FrontPort}/");

    public string? SkipReason { get; private set; }

    public string FrontOutput => _front?.Output ?? "";

    public static string AgentId(int index) => (1001 + index).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Each agent's microphone: 500, 700 ... 1500 Hz (none near Milliwatt's 1004 Hz).</summary>
    public static double MicrophoneHz(int index) => new[] { 500.0, 700, 900, 1200, 1400, 1600 }[index];

    public static string Library(int index) => index % 2 == 0 ? "jssip" : "sipjs";

    public static string NodeId(int node) => $"node{node + 1}";

    public async Task InitializeAsync()
    {
        SkipReason = RealPbxInstall.Asterisk is null ? RealPbxInstall.AsteriskMissing
            : !File.Exists("/usr/sbin/haproxy") ? "haproxy is not installed (test.sh installs the Debian package)" : null;
        if (SkipReason is not null)
        {
            return;
        }

        Pbx = await RealAsterisk.StartAsync();
        await Pbx.InstallPbxBridgeConfigurationAsync([.. Pbx.PbxBridgeSettings, .. AgentSettings()]);
        await Task.WhenAll(Enumerable.Range(0, NodeCount).Select(async i => Nodes[i] = await StartNodeAsync(i)));
        await StartFrontAsync();
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

    /// <summary>kill -9 of a node, then (as systemd's Restart=on-failure does) the same node started again.</summary>
    public Task KillAsync(int node) => Nodes[node].KillAsync();

    public async Task RestartAsync(int node) => Nodes[node] = await Nodes[node].RestartAsync(TimeSpan.FromSeconds(60));

    /// <summary>The agents registered on <paramref name="node"/> (GET /api/agents), each once.</summary>
    public async Task<IReadOnlyList<string>> AgentsOnAsync(int node)
    {
        using var doc = JsonDocument.Parse(await Nodes[node].Http.GetStringAsync(new Uri("api/agents", UriKind.Relative)));
        return [.. doc.RootElement.EnumerateArray().Select(r => r.GetProperty("agent").GetString()!).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>The ARI application Asterisk's dialplan sends <paramref name="agent"/>'s calls to ("" when unset).</summary>
    public async Task<string> ApplicationOfAsync(string agent)
    {
        var globals = await Pbx.RxAsync("dialplan show globals");
        var line = globals.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"pbxbridge_agent_{agent}=", StringComparison.Ordinal));
        return line is null ? string.Empty : line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }

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
            $"--Cluster:NodeId={NodeId(node)}",

            // Each node its own media address (what a browser sends its media to) and its own ports toward Asterisk.
            $"--Media:PublicAddress=127.0.0.1{node + 1}",
            $"--Media:BrowserPortStart={40000 + (node * 100)}",
            $"--Media:BrowserPortEnd={40099 + (node * 100)}",
            $"--Media:PbxPortStart={41000 + (node * 100)}",
            $"--Media:PbxPortEnd={41099 + (node * 100)}",

            // A dead node's calls end within this on both sides (browsers: ICE consent; Asterisk: the channel lease).
            $"--Media:ConsentTimeoutSeconds={ConsentTimeoutSeconds}",

            // Behind the front (send-proxy-v2): each agent's own address, from the PROXY header of the front's connections.
            "--Http:ProxyProtocol=true",
            $"--Http:ProxyProtocolFronts:0={HaproxyFront.SourceAddress}",
        ], TimeSpan.FromSeconds(60));

    private async Task StartFrontAsync()
    {
        _front = await HaproxyFront.StartAsync(Pbx.RunDirectory, [.. Enumerable.Range(0, NodeCount).Select(i => (NodeId(i), Nodes[i].Port))]);
        FrontPort = _front.Port;
    }
}
