using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Config;
using PbxBridge.FreeSwitch.Esl;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// `pbxbridge doctor` for FreeSWITCH: event socket reachable, authenticated (a bad password and an ACL rejection are
/// told apart), FreeSWITCH ready, and the pbxbridge sofia profile RUNNING with PCMU and RFC 2833.
/// </summary>
public sealed class FreeSwitchDoctor : IPbxDoctor
{
    private readonly FreeSwitchOptions _options;
    private readonly ILogger _logger;

    public FreeSwitchDoctor(FreeSwitchOptions options, ILogger<FreeSwitchDoctor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
    }

    public async Task<IReadOnlyList<DoctorCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>();
        var where = $"{_options.EslHost}:{_options.EslPort}";
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            checks.Add(new DoctorCheck("FreeSWITCH configuration", DoctorOutcome.Failed, string.Join("; ", errors)));
            return checks;
        }

        EslConnection connection;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            connection = await EslConnection.ConnectAsync(_options.EslHost, _options.EslPort, _options.EslPassword, _logger, timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            checks.Add(new DoctorCheck("ESL reachable", DoctorOutcome.Failed, $"nothing answers at {where} ({e.SocketErrorCode}): is mod_event_socket loaded and listen-ip/listen-port in event_socket.conf.xml {where}?"));
            checks.Add(new DoctorCheck("ESL authenticated", DoctorOutcome.NotChecked, "event socket not reachable"));
            return checks;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            checks.Add(new DoctorCheck("ESL reachable", DoctorOutcome.Failed, $"no answer from {where} within 5 s (firewall?)"));
            return checks;
        }
        catch (EslAuthenticationException e)
        {
            var reachable = e.Rejection == EslRejection.NotEventSocket
                ? new DoctorCheck("ESL reachable", DoctorOutcome.Failed, $"{where} is not FreeSWITCH's event socket: {e.Message}")
                : new DoctorCheck("ESL reachable", DoctorOutcome.Passed, $"FreeSWITCH event socket at {where}");
            checks.Add(reachable);
            var detail = e.Rejection switch
            {
                EslRejection.AccessDenied => AccessDenied(),
                EslRejection.BadPassword => "bad password: FreeSWITCH answered \"-ERR invalid\"; Pbx:FreeSwitch:EslPassword must equal event_socket.conf.xml's password",
                _ => e.Message,
            };
            checks.Add(new DoctorCheck("ESL authenticated", e.Rejection == EslRejection.NotEventSocket ? DoctorOutcome.NotChecked : DoctorOutcome.Failed, detail));
            return checks;
        }

        await using (connection.ConfigureAwait(false))
        {
            checks.Add(new DoctorCheck("ESL reachable", DoctorOutcome.Passed, $"FreeSWITCH event socket at {where}"));
            checks.Add(new DoctorCheck("ESL authenticated", DoctorOutcome.Passed, "password accepted"));

            var status = await connection.ApiAsync("status", cancellationToken).ConfigureAwait(false);
            var versionLine = status.Split('\n').FirstOrDefault(l => l.StartsWith("FreeSWITCH", StringComparison.Ordinal))?.Trim() ?? status.Trim();
            checks.Add(new DoctorCheck(
                "FreeSWITCH ready",
                versionLine.EndsWith("is ready", StringComparison.Ordinal) ? DoctorOutcome.Passed : DoctorOutcome.Failed,
                versionLine));

            var sofia = await connection.ApiAsync("sofia status", cancellationToken).ConfigureAwait(false);
            var profileLine = sofia.Split('\n').FirstOrDefault(l => l.Trim().StartsWith("pbxbridge", StringComparison.Ordinal) && l.Contains("profile", StringComparison.Ordinal));
            if (profileLine is null || !profileLine.Contains("RUNNING", StringComparison.Ordinal))
            {
                checks.Add(new DoctorCheck("sofia profile pbxbridge", DoctorOutcome.Failed, profileLine is null
                    ? "no profile named pbxbridge: copy sip_profiles/pbxbridge.xml and run `sofia profile pbxbridge start` (a bind failure means sip-ip/sip-port is wrong or taken)"
                    : "profile not running: " + profileLine.Trim()));
                return checks;
            }

            var detail = await connection.ApiAsync("sofia status profile pbxbridge", cancellationToken).ConfigureAwait(false);
            var problems = new List<string>();
            if (!Field(detail, "CODECS IN").Contains("PCMU", StringComparison.Ordinal))
            {
                problems.Add("CODECS IN lacks PCMU (inbound-codec-prefs)");
            }

            if (!Field(detail, "DTMF-MODE").Equals("rfc2833", StringComparison.Ordinal))
            {
                problems.Add("DTMF-MODE is not rfc2833 (dtmf-type)");
            }

            if (!Field(detail, "Context").Equals(_options.Context, StringComparison.Ordinal))
            {
                problems.Add($"Context is '{Field(detail, "Context")}', Pbx:FreeSwitch:Context is '{_options.Context}'");
            }

            // A profile moved (pbxbridge_profile_port) without Pbx:FreeSwitch:SipAddress: PbxBridge's INVITEs would go
            // nowhere (5080 before 5070 became the default).
            var url = Field(detail, "URL");
            var at = url.LastIndexOf('@');
            if (at >= 0 && FreeSwitchOptions.TryParseEndPoint(url[(at + 1)..], out var listening) && !listening.Equals(_options.SipEndPoint))
            {
                problems.Add($"the profile listens at {listening}, Pbx:FreeSwitch:SipAddress is {_options.SipAddress}");
            }

            checks.Add(new DoctorCheck(
                "sofia profile pbxbridge",
                problems.Count == 0 ? DoctorOutcome.Passed : DoctorOutcome.Failed,
                problems.Count == 0 ? $"RUNNING at {url}, PCMU, rfc2833, Ext-RTP-IP {Field(detail, "Ext-RTP-IP")}" : string.Join("; ", problems)));
        }

        return checks;
    }

    /// <summary>
    /// What to do about "Access Denied, go away.". When the address we connect from is one `config render` puts in the
    /// pbxbridge list, adding it again is no advice: FreeSWITCH has not loaded the list (acl.conf.xml is read only at
    /// start-up and by `reloadacl`, and an apply-inbound-acl naming an unknown list refuses everyone).
    /// </summary>
    private string AccessDenied()
    {
        const string Prefix = "ACL rejection: FreeSWITCH answered \"Access Denied, go away.\"";
        var source = SourceAddressToward(_options.EslHost, _options.EslPort);
        if (source is null)
        {
            return $"{Prefix}; add PbxBridge's address to the acl.conf.xml list named by apply-inbound-acl in event_socket.conf.xml";
        }

        var rendered = FreeSwitchRenderValues.From(_options).PbxBridgeCidrs;
        foreach (var cidr in rendered)
        {
            if (IPNetwork.TryParse(cidr, out var network) && network.Contains(source))
            {
                return $"{Prefix} to {source}, which the rendered list pbxbridge ({cidr}) allows: FreeSWITCH has not loaded that list. "
                    + "ACL lists are read only at start-up and by `reloadacl`; run `reloadacl` at the FreeSWITCH console "
                    + "(fs_cli is refused too while apply-inbound-acl names an unloaded list) or restart FreeSWITCH, and check with "
                    + "`fs_cli -p PASSWORD -x 'acl " + source + " pbxbridge'` (true)";
            }
        }

        var node = source.AddressFamily == AddressFamily.InterNetworkV6 ? source + "/128" : source + "/32";
        return $"{Prefix} to {source}: add <node type=\"allow\" cidr=\"{node}\"/> to the list pbxbridge (pbxbridge_acl.xml), "
            + "then `fs_cli -p PASSWORD -x reloadacl`";
    }

    /// <summary>The local address the kernel picks toward the event socket (a UDP connect sends nothing); null if unknown.</summary>
    private static IPAddress? SourceAddressToward(string host, int port)
    {
        try
        {
            var target = IPAddress.TryParse(host, out var literal) ? literal : Dns.GetHostAddresses(host).FirstOrDefault();
            if (target is null)
            {
                return null;
            }

            using var probe = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(target, port);
            return (probe.LocalEndPoint as IPEndPoint)?.Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>A "Name\tvalue" line of `sofia status profile`, empty when absent.</summary>
    private static string Field(string table, string name)
    {
        foreach (var line in table.Split('\n'))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0 && line[..tab].Trim() == name)
            {
                return line[(tab + 1)..].Trim();
            }
        }

        return string.Empty;
    }
}
