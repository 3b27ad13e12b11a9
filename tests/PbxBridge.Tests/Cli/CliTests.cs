using System.Net;
using System.Net.Sockets;

namespace PbxBridge.Tests.Cli;

public sealed class CliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_with_an_impossible_port_exits_with_EX_CONFIG_naming_Http_Port()
    {
        var (exit, output, elapsed) = await PbxBridgeCli.RunAsync(Timeout, "run", "--Http:Port=70000");
        Assert.Equal(78, exit);
        Assert.Contains("Http:Port = 70000", output, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"took {elapsed}");
    }

    [Fact]
    public async Task Run_with_a_single_udp_port_another_process_holds_exits_with_EX_CONFIG_naming_the_key()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var httpPort = ClosedTcpPort();

        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "run", $"--Http:Port={httpPort}", $"--Media:SingleUdpPort={port}");

        Assert.True(exit == 78, $"exit {exit}: {output}");
        var line = Assert.Single(output.Split('\n'), l => l.Contains("Media:SingleUdpPort", StringComparison.Ordinal));
        Assert.Contains($"Media:SingleUdpPort = {port} cannot be bound at 127.0.0.1", line, StringComparison.Ordinal);
        Assert.Contains("pick a free port, or 0 for one port per leg", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_cluster_node_id_holding_a_dash_exits_with_EX_CONFIG_naming_Cluster_NodeId()
    {
        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "run", "--Cluster:NodeId=node-1");
        Assert.Equal(78, exit);
        Assert.Contains("Cluster:NodeId = 'node-1' is not a node name", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_browser_range_start_above_end_names_the_key()
    {
        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "--Media:BrowserPortStart=40900", "--Media:BrowserPortEnd=40100");
        Assert.Equal(78, exit);
        Assert.Contains("Media:BrowserPortStart = 40900 is above Media:BrowserPortEnd = 40100", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_an_agent_password_in_clear_exits_with_EX_CONFIG_naming_agent_hash()
    {
        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "run", "--Agents:0:Id=2001", "--Agents:0:Password=hunter2",
            "--Agents:0:Ha1Md5=0123456789abcdef0123456789abcdef", "--Agents:0:Ha1Sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        Assert.Equal(78, exit);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("Agents:0:Password", StringComparison.Ordinal));
        Assert.Contains("pbxbridge agent-hash 2001", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_passes_on_the_demo_configuration()
    {
        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "doctor");
        Assert.True(exit == 0, output);
        Assert.Contains("PASS  libopus", output, StringComparison.Ordinal);
        Assert.Contains("checks passed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_fails_readably_when_the_ARI_url_has_nothing_listening()
    {
        var port = ClosedTcpPort();
        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "doctor", "--Pbx:Kind=Asterisk", $"--Pbx:Asterisk:Url=http://127.0.0.1:{port}", "--Pbx:Asterisk:User=pbxbridge", "--Pbx:Asterisk:Password=secret");
        Assert.Equal(1, exit);
        Assert.Contains("FAIL", output, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_and_help_answer()
    {
        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "version");
        Assert.Equal(0, exit);
        Assert.StartsWith("pbxbridge ", output, StringComparison.Ordinal);
        (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "calls", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--json", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_without_a_running_instance_says_so()
    {
        var (exit, output, _) = await PbxBridgeCli.RunAsync(Timeout, "calls", $"--Http:Port={ClosedTcpPort()}");
        Assert.Equal(1, exit);
        Assert.Contains("no PbxBridge answers", output, StringComparison.Ordinal);
    }

    private static int ClosedTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
