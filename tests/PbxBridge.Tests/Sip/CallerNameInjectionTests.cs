using System.Net;
using System.Net.Sockets;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Sip.Auth;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Sip;

/// <summary>
/// Issue 17 item 5: a caller name holding CR/LF, from each way one reaches the INVITE sent to the agent (the demo API,
/// ARI's StasisStart caller name, FreeSWITCH's From display name, which carries Caller-Caller-ID-Name), read off the
/// agent's real WSS connection: the INVITE is well formed and carries no header the caller name tried to add.
/// </summary>
public sealed class CallerNameInjectionTests
{
    private const string Password = "agent-secret";

    private static readonly string[] Agent1001 =
    [
        "--Agents:0:Id=1001",
        $"--Agents:0:Ha1Md5={SipDigestHa1.ComputeMd5("1001", "pbxbridge", Password)}",
        $"--Agents:0:Ha1Sha256={SipDigestHa1.ComputeSha256("1001", "pbxbridge", Password)}",
    ];

    [Fact]
    public async Task Demo_api_caller_with_CR_LF_rings_the_agent_with_a_well_formed_INVITE()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync();
        await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        Assert.Equal(200, (await agent.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);

        using var http = bridge.AdminHttpClient();
        var from = Uri.EscapeDataString("601\r\nX-Injected: demo\r\nContact: <sip:evil@attacker.example>");
        using var created = await http.PostAsync(new Uri(bridge.BaseUri, $"/api/demo/calls?agent=1001&from={from}"), null);
        Assert.True(created.IsSuccessStatusCode, created.StatusCode.ToString());

        AssertWellFormed(await agent.ReceiveRequestTextAsync("INVITE"));
    }

    [Fact]
    public async Task Asterisk_StasisStart_caller_name_with_CR_LF_rings_the_agent_with_a_well_formed_INVITE()
    {
        await using var sim = await AriSimulator.StartAsync();
        await using var bridge = await InProcessPbxBridge.StartAsync([
            "--Pbx:Kind=Asterisk", $"--Pbx:Asterisk:Url={sim.Url.ToString().TrimEnd('/')}",
            $"--Pbx:Asterisk:User={sim.User}", $"--Pbx:Asterisk:Password={sim.Password}", .. Agent1001]);
        await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        Assert.Equal(200, (await agent.RegisterAsync(Password)).StatusCode);
        Assert.True(await sim.WaitUntilAsync(s => s.IsEventSocketConnected(), TimeSpan.FromSeconds(20)));

        sim.InjectInboundCall("1001", "5551234", "Customer\r\nX-Injected: ari\r\nContact: <sip:evil@attacker.example>");

        AssertWellFormed(await agent.ReceiveRequestTextAsync("INVITE"));
    }

    [Fact]
    public async Task FreeSwitch_caller_name_with_control_characters_rings_the_agent_with_a_well_formed_INVITE()
    {
        var sipPort = FreeUdpPort();
        await using var sim = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { PbxBridgeSip = new(IPAddress.Loopback, sipPort) });
        await using var bridge = await InProcessPbxBridge.StartAsync([
            "--Pbx:Kind=FreeSwitch", $"--Pbx:FreeSwitch:EslPort={sim.EslEndPoint.Port}", $"--Pbx:FreeSwitch:EslPassword={sim.Options.EslPassword}",
            $"--Pbx:FreeSwitch:SipAddress={sim.SipEndPoint}", $"--Pbx:FreeSwitch:LocalSipPort={sipPort}", .. Agent1001]);
        await using var agent = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        Assert.Equal(200, (await agent.RegisterAsync(Password)).StatusCode);

        // On the wire from FreeSWITCH a line feed would end its own From line, but a lone CR (which many parsers take
        // as a line end) and other control characters survive into the display name, raw or as quoted-pairs.
        var call = await sim.CallAgentAsync("1001", "5551234", callerName: "Customer\rX-Injected: fs\r\\\u000bContact: <sip:evil@attacker.example>");

        AssertWellFormed(await agent.ReceiveRequestTextAsync("INVITE"));
        GC.KeepAlive(call);
    }

    /// <summary>Every header line is "Name: value" with no control character, one Contact, no X-Injected.</summary>
    private static void AssertWellFormed(string invite)
    {
        var head = invite[..invite.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        var lines = head.Split("\r\n");
        Assert.StartsWith("INVITE sip:", lines[0], StringComparison.Ordinal);
        foreach (var line in lines)
        {
            Assert.DoesNotContain(line, c => char.IsControl(c));
        }

        Assert.DoesNotContain(lines, l => l.StartsWith("X-Injected", StringComparison.OrdinalIgnoreCase));
        Assert.Single(lines, l => l.StartsWith("Contact:", StringComparison.OrdinalIgnoreCase));
        var from = Assert.Single(lines, l => l.StartsWith("From:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("X-Injected", from, StringComparison.Ordinal);
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
