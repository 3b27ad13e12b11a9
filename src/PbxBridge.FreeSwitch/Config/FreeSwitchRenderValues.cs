namespace PbxBridge.FreeSwitch.Config;

/// <summary>The site values `pbxbridge config render --pbx freeswitch` fills into the shipped snippets.</summary>
public sealed record FreeSwitchRenderValues
{
    /// <summary>event_socket.conf.xml listen-ip.</summary>
    public string EslListenIp { get; init; } = "127.0.0.1";

    public int EslPort { get; init; } = 8021;

    /// <summary>Left as the placeholder when not given, so a rendered file never carries a guessed password.</summary>
    public string EslPassword { get; init; } = FreeSwitchOptions.PlaceholderPassword;

    /// <summary>PbxBridge node addresses allowed on ESL and the pbxbridge profile (pbxbridge_acl.xml, the acl.conf.xml list "pbxbridge").</summary>
    public IReadOnlyList<string> PbxBridgeCidrs { get; init; } = ["127.0.0.1/32"];

    /// <summary>pbxbridge_profile_ip: the pbxbridge profile's sip-ip and rtp-ip.</summary>
    public string FreeSwitchSipIp { get; init; } = "127.0.0.1";

    /// <summary>pbxbridge_profile_port: the pbxbridge profile's sip-port.</summary>
    public int FreeSwitchSipPort { get; init; } = FreeSwitchOptions.DefaultProfilePort;

    /// <summary>pbxbridge_profile_ext_ip: what the pbxbridge profile advertises toward PbxBridge (its ext-sip-ip and ext-rtp-ip).</summary>
    public string FreeSwitchExternalIp { get; init; } = "127.0.0.1";

    /// <summary>pbxbridge_vars.xml pbxbridge_sip: where PbxBridge's SIP user agent listens, "ip:port".</summary>
    public string PbxBridgeSipAddress { get; init; } = "127.0.0.1:5090";

    /// <summary>The profile's context, which agents' outbound calls enter.</summary>
    public string Context { get; init; } = "from-pbxbridge";

    /// <summary>The admin's own context the from-pbxbridge context hands numbers to.</summary>
    public string DialplanContext { get; init; } = "default";

    /// <summary>The values matching a PbxBridge configuration (password, ports, context).</summary>
    public static FreeSwitchRenderValues From(FreeSwitchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        FreeSwitchOptions.TryParseEndPoint(options.SipAddress, out var sip);
        return new FreeSwitchRenderValues
        {
            EslListenIp = options.EslHost,
            EslPort = options.EslPort,
            EslPassword = string.IsNullOrEmpty(options.EslPassword) ? FreeSwitchOptions.PlaceholderPassword : options.EslPassword,
            FreeSwitchSipIp = sip?.Address.ToString() ?? "127.0.0.1",
            FreeSwitchSipPort = sip?.Port ?? FreeSwitchOptions.DefaultProfilePort,
            FreeSwitchExternalIp = sip?.Address.ToString() ?? "127.0.0.1",
            PbxBridgeSipAddress = $"{options.LocalSipAddress}:{options.LocalSipPort}",
            PbxBridgeCidrs = [options.LocalSipAddress + (options.LocalSipAddress.Contains(':', StringComparison.Ordinal) ? "/128" : "/32")],
            Context = options.Context,
        };
    }
}
