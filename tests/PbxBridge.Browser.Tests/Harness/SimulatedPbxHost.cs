using System.Net;
using System.Net.Sockets;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Sip.Auth;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// A PbxBridge process configured for a real PBX kind and pointed at that PBX's simulator, with agent 1001 (password
/// <see cref="AgentPassword"/>) configured as production configures agents: by HA1 hashes only.
/// </summary>
public static class SimulatedPbxHost
{
    public const string AgentPassword = "agent-secret";

    public static string[] AsteriskArgs(AriSimulator sim)
    {
        ArgumentNullException.ThrowIfNull(sim);
        return
        [
            "--Pbx:Kind=Asterisk",
            $"--Pbx:Asterisk:Url={sim.Url.ToString().TrimEnd('/')}",
            $"--Pbx:Asterisk:User={sim.User}",
            $"--Pbx:Asterisk:Password={sim.Password}",
        ];
    }

    public static string[] FreeSwitchArgs(FreeSwitchSimulator sim, int localSipPort)
    {
        ArgumentNullException.ThrowIfNull(sim);
        return
        [
            "--Pbx:Kind=FreeSwitch",
            $"--Pbx:FreeSwitch:EslPort={sim.EslEndPoint.Port}",
            $"--Pbx:FreeSwitch:EslPassword={sim.Options.EslPassword}",
            $"--Pbx:FreeSwitch:SipAddress={sim.SipEndPoint}",
            $"--Pbx:FreeSwitch:LocalSipPort={localSipPort}",
        ];
    }

    /// <summary>Starts PbxBridge with <paramref name="pbxArgs"/> (from the methods above) and any further settings.</summary>
    public static Task<PbxBridgeProcess> StartAsync(IEnumerable<string> pbxArgs, params string[] settings) =>
        PbxBridgeProcess.StartAsync(AgentPassword, [
            .. pbxArgs,
            "--Agents:0:Id=1001",
            "--Agents:0:DisplayName=Agent 1001",
            $"--Agents:0:Ha1Md5={SipDigestHa1.ComputeMd5("1001", "pbxbridge", AgentPassword)}",
            $"--Agents:0:Ha1Sha256={SipDigestHa1.ComputeSha256("1001", "pbxbridge", AgentPassword)}",
            .. settings,
        ]);

    /// <summary>A UDP port free right now on 127.0.0.1 (for PbxBridge's FreeSWITCH-side SIP user agent).</summary>
    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
