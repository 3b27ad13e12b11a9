using System.Globalization;
using System.Net;

namespace PbxBridge.FreeSwitch;

/// <summary>Configuration section `Pbx:FreeSwitch`: where FreeSWITCH's event socket and pbxbridge profile are.</summary>
public sealed class FreeSwitchOptions
{
    public const string SectionName = "Pbx:FreeSwitch";

    /// <summary>The placeholder shipped in event_socket.conf.xml; refused outside tests so nobody runs with it.</summary>
    public const string PlaceholderPassword = "PbxBridge-Secret-ChangeMe";

    /// <summary>
    /// The pbxbridge profile's default sip-port: used by none of vanilla's profiles (internal 5060, 5061 TLS, 5066 WS,
    /// 7443 WSS; external 5080, 5081 TLS) nor by PbxBridge's own user agent (5090), so the profile starts on a stock
    /// install even when its sip-ip is the address vanilla binds ($${local_ip_v4}).
    /// </summary>
    public const int DefaultProfilePort = 5070;

    /// <summary>event_socket.conf.xml listen-ip.</summary>
    public string EslHost { get; set; } = "127.0.0.1";

    /// <summary>event_socket.conf.xml listen-port.</summary>
    public int EslPort { get; set; } = 8021;

    /// <summary>event_socket.conf.xml password.</summary>
    public string EslPassword { get; set; } = string.Empty;

    /// <summary>FreeSWITCH's `pbxbridge` sofia profile, "ip:port" (pbxbridge_profile_ip and pbxbridge_profile_port in pbxbridge_vars.xml).</summary>
    public string SipAddress { get; set; } = "127.0.0.1:" + DefaultProfilePort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The address PbxBridge's SIP user agent binds and puts in Via/Contact (the ip of pbxbridge_vars.xml pbxbridge_sip).</summary>
    public string LocalSipAddress { get; set; } = "127.0.0.1";

    /// <summary>The UDP port of PbxBridge's SIP user agent (the port of pbxbridge_vars.xml pbxbridge_sip); 0 picks a free one (tests).</summary>
    public int LocalSipPort { get; set; } = 5090;

    /// <summary>The dialplan context agents' calls enter and blind transfers use (the profile's context).</summary>
    public string Context { get; set; } = "from-pbxbridge";

    /// <summary>
    /// The mod_callcenter agent name of a PbxBridge agent ({agent} is its id), whose status and state PbxBridge sets
    /// (pbx-config/freeswitch/autoload_configs/callcenter.conf.xml). Agents mod_callcenter does not know are left alone.
    /// </summary>
    public string CallcenterAgent { get; set; } = "{agent}@default";

    /// <summary>
    /// The ids of PbxBridge's configured agents (from the Agents section, not this one): written into mod_hash's
    /// <c>pbxbridge_agents</c> realm on every connect, so the shipped dialplan offers PbxBridge only numbers that are agents.
    /// </summary>
    public IReadOnlyList<string> AgentIds { get; set; } = [];

    /// <summary>Upper bound of the ESL reconnect backoff (1 s, 2 s, 4 s ... up to this).</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an outbound INVITE may go unanswered before PbxBridge gives up (RFC 3261 Timer B is 32 s).</summary>
    public TimeSpan InviteTimeout { get; set; } = TimeSpan.FromSeconds(32);

    /// <summary>Errors, each naming its key; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(EslHost))
        {
            errors.Add($"{SectionName}:EslHost is empty: set FreeSWITCH's event socket address (event_socket.conf.xml listen-ip)");
        }

        if (EslPort is < 1 or > 65535)
        {
            errors.Add($"{SectionName}:EslPort {EslPort} is not a TCP port (1-65535); FreeSWITCH's default is 8021");
        }

        if (string.IsNullOrEmpty(EslPassword))
        {
            errors.Add($"{SectionName}:EslPassword is empty: set the password from event_socket.conf.xml");
        }
        else if (EslPassword.AsSpan().IndexOfAny('\r', '\n') >= 0 || EslPassword.Contains(' ', StringComparison.Ordinal))
        {
            errors.Add($"{SectionName}:EslPassword must not contain spaces or line breaks (ESL sends it as `auth <password>`)");
        }

        if (!TryParseEndPoint(SipAddress, out _))
        {
            errors.Add($"{SectionName}:SipAddress '{SipAddress}' is not ip:port (the pbxbridge profile's sip-ip and sip-port, default 127.0.0.1:{DefaultProfilePort})");
        }

        if (!IPAddress.TryParse(LocalSipAddress, out _))
        {
            errors.Add($"{SectionName}:LocalSipAddress '{LocalSipAddress}' is not an IP address");
        }

        if (LocalSipPort is < 0 or > 65535)
        {
            errors.Add($"{SectionName}:LocalSipPort {LocalSipPort} is not a UDP port (1-65535, 0 for any free port); the default is 5090");
        }

        if (string.IsNullOrWhiteSpace(Context) || Context.Contains(' ', StringComparison.Ordinal))
        {
            errors.Add($"{SectionName}:Context '{Context}' must be a dialplan context name without spaces (default from-pbxbridge)");
        }

        if (!CallcenterAgent.Contains("{agent}", StringComparison.Ordinal) || CallcenterAgent.AsSpan().IndexOfAny(" '\r\n") >= 0)
        {
            errors.Add($"{SectionName}:CallcenterAgent '{CallcenterAgent}' must contain {{agent}} and no spaces or quotes (default {{agent}}@default)");
        }

        if (ReconnectMaxDelay <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:ReconnectMaxDelay must be positive");
        }

        return errors;
    }

    internal IPEndPoint SipEndPoint =>
        TryParseEndPoint(SipAddress, out var endPoint) ? endPoint : throw new InvalidOperationException($"{SectionName}:SipAddress is invalid");

    internal static bool TryParseEndPoint(string? text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (string.IsNullOrWhiteSpace(text) || !IPEndPoint.TryParse(text, out var parsed) || parsed.Port == 0)
        {
            return false;
        }

        endPoint = parsed;
        return true;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"ESL {EslHost}:{EslPort}, SIP {SipAddress}, local SIP {LocalSipAddress}:{LocalSipPort}, context {Context}");
}
