using System.Net;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>How to start a <see cref="FreeSwitchSimulator"/>. Ports 0 pick free ones (read them back from the simulator).</summary>
public sealed class FreeSwitchSimulatorOptions
{
    public string EslPassword { get; set; } = "PbxBridge-Secret-ChangeMe";

    public int EslPort { get; set; }

    /// <summary>The pbxbridge profile's SIP port.</summary>
    public int SipPort { get; set; }

    /// <summary>Where PbxBridge's SIP user agent listens (vars.xml pbxbridge_sip).</summary>
    public IPEndPoint PbxBridgeSip { get; set; } = new(IPAddress.Loopback, 5090);

    /// <summary>acl.conf.xml list "pbxbridge": others get text/rude-rejection.</summary>
    public IReadOnlyList<IPAddress> AllowedEslClients { get; set; } = [IPAddress.Loopback];

    /// <summary>False simulates a FreeSWITCH without mod_callcenter (`callcenter_config` is "Command not found").</summary>
    public bool CallcenterLoaded { get; set; } = true;

    /// <summary>mod_hash is loaded (stock modules.conf.xml loads it): `hash ...` answers as it does.</summary>
    public bool HashLoaded { get; set; } = true;

    /// <summary>mod_callcenter's agents (as callcenter.conf.xml defines them), each starting "Logged Out".</summary>
    public IReadOnlyList<string> CallcenterAgents { get; set; } = ["1001@default", "1002@default"];

    /// <summary>False simulates a pbxbridge profile that failed to bind (`sofia status` without it).</summary>
    public bool ProfileRunning { get; set; } = true;

    /// <summary>How long extensions 600/601 take to answer after ringing.</summary>
    public TimeSpan AnswerDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
