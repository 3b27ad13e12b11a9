using System.Net;
using System.Text.RegularExpressions;

namespace PbxBridge.Configuration;

/// <summary>
/// Checks the bound settings before anything starts. Every message names the key, the bad value and what is
/// allowed, so an admin can fix it from the one line the service prints.
/// </summary>
public static partial class SettingsValidator
{
    /// <summary>The largest SIP message we accept: a queue toward a peer must hold more than one answer of that size.</summary>
    private const long MinSendQueueBytes = 64 * 1024;

    public static IReadOnlyList<string> Validate(PbxBridgeSettings s, IEnumerable<string>? adapterErrors = null)
    {
        var errors = new List<string>();
        ValidateHttp(s.Http, errors);
        ValidateMedia(s.Media, errors);
        if (s.Media.IceTcpPort == s.Http.Port)
        {
            errors.Add($"Media:IceTcpPort = {s.Media.IceTcpPort} is Http:Port: set Media:IceTcpOnHttpsPort = true instead to carry ICE-TCP on the HTTPS port.");
        }

        if (s.Http.ProxyProtocol && s.Media.IceTcpOnHttpsPort)
        {
            errors.Add("Http:ProxyProtocol = true with Media:IceTcpOnHttpsPort = true: ICE-TCP cannot share the HTTPS port behind a front (its candidate names the node); set Media:IceTcpOnHttpsPort = false and use Media:IceTcpPort or TURN.");
        }

        ValidateAgents(s.Agents, errors);
        ValidateCluster(s.Cluster, errors);
        ValidateLimits(s.Limits, errors);
        InRange(errors, "Demo:AnswerDelayMs", s.Demo.AnswerDelayMs, 0, 30_000, " milliseconds");
        InRange(errors, "Shutdown:DrainSeconds", s.Shutdown.DrainSeconds, 0, 3600, " seconds");

        if (string.IsNullOrWhiteSpace(s.Sip.Realm))
        {
            errors.Add("Sip:Realm is empty: set it to the digest realm the agents' HA1 hashes were computed with (default \"pbxbridge\").");
        }

        foreach (var algorithm in s.Sip.DigestAlgorithms)
        {
            if (algorithm is not ("MD5" or "SHA-256"))
            {
                errors.Add($"Sip:DigestAlgorithms contains '{algorithm}': use MD5 and/or SHA-256.");
            }
        }

        if (s.Sip.DigestAlgorithms.Length == 0)
        {
            errors.Add("Sip:DigestAlgorithms is empty: list MD5 (what JsSIP and SIP.js speak) and/or SHA-256.");
        }

        if (s.Sip.MinExpires < 10 || s.Sip.MaxExpires < s.Sip.MinExpires)
        {
            errors.Add($"Sip:MinExpires = {s.Sip.MinExpires} / Sip:MaxExpires = {s.Sip.MaxExpires}: need 10 <= MinExpires <= MaxExpires.");
        }

        InRange(errors, "Sip:ReconnectGraceSeconds", s.Sip.ReconnectGraceSeconds, 0, 300, " (default 20; 0 ends a call when its agent's WebSocket closes)");

        if (adapterErrors is not null)
        {
            errors.AddRange(adapterErrors);
        }

        return errors;
    }

    private static void ValidateHttp(HttpOptions http, List<string> errors)
    {
        if (http.Port is < 1 or > 65535)
        {
            errors.Add($"Http:Port = {http.Port} is not a TCP port: use 1-65535 (default 8443).");
        }

        if (!IPAddress.TryParse(http.ListenAddress, out _))
        {
            errors.Add($"Http:ListenAddress = '{http.ListenAddress}' is not an IP address: use e.g. 127.0.0.1, 0.0.0.0 or ::.");
        }

        if (http.ProxyProtocol && http.ProxyProtocolFronts.Length == 0)
        {
            errors.Add("Http:ProxyProtocol = true needs Http:ProxyProtocolFronts: the front's addresses (e.g. 10.0.0.10 or 10.0.0.0/29), the only peers whose PROXY header is believed.");
        }

        for (var i = 0; i < http.ProxyProtocolFronts.Length; i++)
        {
            if (HttpOptions.ParseFront(http.ProxyProtocolFronts[i]) is null)
            {
                errors.Add($"Http:ProxyProtocolFronts:{i} = '{http.ProxyProtocolFronts[i]}' is not an address or network: use e.g. 10.0.0.10 or 10.0.0.0/29.");
            }
        }

        for (var i = 0; i < http.AllowedOrigins.Length; i++)
        {
            var origin = http.AllowedOrigins[i];
            if (origin != "*" && Http.OriginPolicy.Normalize(origin) is null)
            {
                errors.Add($"Http:AllowedOrigins:{i} = '{origin}' is not a web origin: use scheme://host[:port] as browsers send it (e.g. https://crm.example.com, no path), or * for any page.");
            }
        }

        if (http.CertificatePath.Length > 0 && !File.Exists(http.CertificatePath))
        {
            errors.Add($"Http:CertificatePath = '{http.CertificatePath}' does not exist: point it at a PFX or PEM file, or leave it empty for a self-signed certificate.");
        }

        if (http.CertificateKeyPath.Length > 0 && !File.Exists(http.CertificateKeyPath))
        {
            errors.Add($"Http:CertificateKeyPath = '{http.CertificateKeyPath}' does not exist: point it at the PEM private key of Http:CertificatePath.");
        }
    }

    private static void ValidateMedia(MediaOptions media, List<string> errors)
    {
        if (!IPAddress.TryParse(media.PublicAddress, out var publicAddress) || publicAddress.Equals(IPAddress.Any) || publicAddress.Equals(IPAddress.IPv6Any))
        {
            errors.Add($"Media:PublicAddress = '{media.PublicAddress}' is not a usable address: give the IP browsers reach PbxBridge at (not 0.0.0.0).");
        }

        if (media.BrowserBindAddress.Length > 0 && !IPAddress.TryParse(media.BrowserBindAddress, out _))
        {
            errors.Add($"Media:BrowserBindAddress = '{media.BrowserBindAddress}' is not an IP address: leave it empty to bind to Media:PublicAddress.");
        }

        if (!IPAddress.TryParse(media.PbxBindAddress, out _))
        {
            errors.Add($"Media:PbxBindAddress = '{media.PbxBindAddress}' is not an IP address: give the address the PBX sends RTP to.");
        }

        var browserOk = ValidateRange("Media:BrowserPortStart", media.BrowserPortStart, "Media:BrowserPortEnd", media.BrowserPortEnd, errors);
        var pbxOk = ValidateRange("Media:PbxPortStart", media.PbxPortStart, "Media:PbxPortEnd", media.PbxPortEnd, errors);
        if (browserOk && pbxOk && media.BrowserPortStart <= media.PbxPortEnd && media.PbxPortStart <= media.BrowserPortEnd)
        {
            errors.Add($"Media:BrowserPortStart-End ({media.BrowserPortStart}-{media.BrowserPortEnd}) overlaps Media:PbxPortStart-End ({media.PbxPortStart}-{media.PbxPortEnd}): the two UDP ranges must be disjoint.");
        }

        if (media.PbxCodec is not ("ulaw" or "alaw" or "slin16"))
        {
            errors.Add($"Media:PbxCodec = '{media.PbxCodec}' is not supported: use ulaw, alaw or slin16.");
        }

        InRange(errors, "Media:OpusComplexity", media.OpusComplexity, 0, 10, " (default 5)");
        InRange(errors, "Media:OpusBitrate", media.OpusBitrate, 6000, 510000, " bit/s (default 24000)");

        if (media.TurnUrls.Length > 0 && media.TurnSharedSecret.Length < 16)
        {
            errors.Add("Media:TurnSharedSecret is missing or shorter than 16 characters: set it to coturn's static-auth-secret (Media:TurnUrls is set).");
        }

        foreach (var url in media.TurnUrls.Where(u => !u.StartsWith("turn:", StringComparison.Ordinal) && !u.StartsWith("turns:", StringComparison.Ordinal)))
        {
            errors.Add($"Media:TurnUrls has '{url}': give TURN URIs (RFC 7065), e.g. turns:turn.example.com:443?transport=tcp.");
        }

        InRange(errors, "Media:TurnCredentialSeconds", media.TurnCredentialSeconds, 60, 604800, " (default 43200)");

        if (media.SingleUdpPort is < 0 or > 65535)
        {
            errors.Add($"Media:SingleUdpPort = {media.SingleUdpPort} is not a UDP port: use 1-65535 for one port shared by every browser leg, or 0 for one port per leg from Media:BrowserPortStart-End.");
        }
        else if (media.SingleUdpPort > 0 && pbxOk && media.SingleUdpPort >= media.PbxPortStart && media.SingleUdpPort <= media.PbxPortEnd)
        {
            errors.Add($"Media:SingleUdpPort = {media.SingleUdpPort} is inside Media:PbxPortStart-End ({media.PbxPortStart}-{media.PbxPortEnd}): pick a port outside the PBX-side range.");
        }

        if (media.IceTcpPort is < 0 or > 65535)
        {
            errors.Add($"Media:IceTcpPort = {media.IceTcpPort} is out of range: use a TCP port 1-65535, or 0 for no dedicated ICE-TCP port.");
        }

        InRange(errors, "Media:OverloadOpusComplexityStep", media.OverloadOpusComplexityStep, 1, 10, " (default 2)");
        InRange(errors, "Media:ConsentTimeoutSeconds", media.ConsentTimeoutSeconds, 5, 300, " (RFC 7675 recommends 30)");
    }

    private static void ValidateLimits(LimitsOptions limits, List<string> errors)
    {
        if (limits.MessagesPerSecond != 0)
        {
            InRange(errors, "Limits:MessagesPerSecond", limits.MessagesPerSecond, 5, 10000, " (default 20; a browser's sign-in and call need a few a second), or 0 for no limit");
        }

        InRange(errors, "Limits:MessageBurst", limits.MessageBurst, 10, 100000, " messages (default 50; a browser signing in and calling sends a few dozen at once)");
        InRange(errors, "Limits:FloodGraceSeconds", limits.FloodGraceSeconds, 1, 300, " seconds (default 5)");

        if (limits.MaxConnectionsPerAddress != 0)
        {
            InRange(errors, "Limits:MaxConnectionsPerAddress", limits.MaxConnectionsPerAddress, 1, 100000, " (default 200; one per agent tab behind the address), or 0 for no limit");
        }

        InRange(errors, "Limits:MaxSendQueueBytes", limits.MaxSendQueueBytes, 2 * MinSendQueueBytes, 64 * 1024 * 1024, " bytes (default 262144; it must hold at least two answers to the largest SIP message, 64 KiB)");

        if (limits.RegistrationDeadlineSeconds != 0)
        {
            InRange(errors, "Limits:RegistrationDeadlineSeconds", limits.RegistrationDeadlineSeconds, 5, 3600, " seconds (default 30; JsSIP and SIP.js register as soon as they connect), or 0 to let unauthenticated connections stay open");
        }

        InRange(errors, "Limits:MaxRegistrationsPerAgent", limits.MaxRegistrationsPerAgent, 1, 100, " (default 5; one per tab or device an agent signs in from)");
        InRange(errors, "Limits:MaxCalls", limits.MaxCalls, 1, 100000, " (default 1000)");
        InRange(errors, "Limits:MaxCallsPerAgent", limits.MaxCallsPerAgent, 1, 100, " (default 4; a held call and a consultation call are two)");
        InRange(errors, "Limits:AuthFailures", limits.AuthFailures, 1, 100, " failed authentications per address before throttling (default 3)");
        InRange(errors, "Limits:AuthFailureWindowSeconds", limits.AuthFailureWindowSeconds, 10, 86400, " seconds (default 60)");
        InRange(errors, "Limits:AuthMaxDelaySeconds", limits.AuthMaxDelaySeconds, 0, 30, " seconds (default 16; above 32 s browsers give up on the request before the answer comes)");

        ValidateOverload(limits, errors);
    }

    private static void ValidateCluster(ClusterOptions cluster, List<string> errors)
    {
        // No '-': it separates the node from the ARI application and call ids, so "a" could not tell "a-b"'s apart.
        if (cluster.NodeId is { } id && (id.Length is 0 or > 32 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            errors.Add($"Cluster:NodeId = '{id}' is not a node name: use 1-32 letters, digits or _ (no '-'), unique per node, e.g. node1; leave it unset for a single node.");
        }

        if (cluster.Redis is { } redis)
        {
            if (!RedisEndPointIsValid(redis))
            {
                errors.Add($"Cluster:Redis = '{redis}' is not a Redis address: use host:port (e.g. 10.0.0.5:6379, \",password=...\" may follow), or leave it unset for no shared state.");
            }
            else if (!cluster.Enabled)
            {
                errors.Add($"Cluster:Redis = '{redis}' needs Cluster:NodeId: give each node its own (e.g. --Cluster:NodeId=node1), or leave Cluster:Redis unset for a single node.");
            }
        }
    }

    private static bool RedisEndPointIsValid(string configuration)
    {
        try
        {
            var options = StackExchange.Redis.ConfigurationOptions.Parse(configuration);
            return options.EndPoints.Count > 0 && options.EndPoints.All(e => e is System.Net.DnsEndPoint { Port: > 0 and <= 65535 } or System.Net.IPEndPoint { Port: > 0 and <= 65535 });
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void ValidateOverload(LimitsOptions limits, List<string> errors)
    {
        if (InRange(errors, "Limits:OverloadEngageBusyPercent", limits.OverloadEngageBusyPercent, 10, 100, " (default 70)")
            && (limits.OverloadReleaseBusyPercent < 1 || limits.OverloadReleaseBusyPercent >= limits.OverloadEngageBusyPercent))
        {
            errors.Add($"Limits:OverloadReleaseBusyPercent = {limits.OverloadReleaseBusyPercent} must be 1 or more and below Limits:OverloadEngageBusyPercent ({limits.OverloadEngageBusyPercent}), or the steps flap (default 50).");
        }

        InRange(errors, "Limits:OverloadReleaseSeconds", limits.OverloadReleaseSeconds, 1, 3600, " seconds (default 10)");
        InRange(errors, "Limits:OverloadRetryAfterSeconds", limits.OverloadRetryAfterSeconds, 1, 3600, " seconds (default 10)");
    }

    /// <summary>
    /// The one shape most numeric keys share: "Key = value is out of range: use min-max{unitAndHint}." Returns
    /// whether the value is in range, so a rule that compares it with another key can skip a value already reported.
    /// </summary>
    private static bool InRange(List<string> errors, string key, long value, long min, long max, string unitAndHint = "")
    {
        if (value >= min && value <= max)
        {
            return true;
        }

        errors.Add($"{key} = {value} is out of range: use {min}-{max}{unitAndHint}.");
        return false;
    }

    private static bool ValidateRange(string startKey, int start, string endKey, int end, List<string> errors)
    {
        var ok = true;
        if (start is < 1024 or > 65535)
        {
            errors.Add($"{startKey} = {start} is not a usable UDP port: use 1024-65535.");
            ok = false;
        }

        if (end is < 1024 or > 65535)
        {
            errors.Add($"{endKey} = {end} is not a usable UDP port: use 1024-65535.");
            ok = false;
        }

        if (ok && start > end)
        {
            errors.Add($"{startKey} = {start} is above {endKey} = {end}: the range must start at or below its end.");
            ok = false;
        }

        return ok;
    }

    private static void ValidateAgents(IReadOnlyList<AgentOptions> agents, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < agents.Count; i++)
        {
            var a = agents[i];
            if (a.Password is not null)
            {
                errors.Add($"Agents:{i}:Password is set: PbxBridge never keeps an agent's password; delete the key and put the HA1 hashes from `pbxbridge agent-hash {a.Id}` in Ha1Md5 and Ha1Sha256.");
                continue;
            }

            if (!AgentId().IsMatch(a.Id))
            {
                errors.Add($"Agents:{i}:Id = '{a.Id}' is not a valid agent id: use letters, digits, '.', '_' or '-' (it is the SIP user name).");
            }
            else if (!seen.Add(a.Id))
            {
                errors.Add($"Agents:{i}:Id = '{a.Id}' appears twice: agent ids must be unique.");
            }

            if (!Hex(32).IsMatch(a.Ha1Md5))
            {
                errors.Add($"Agents:{i}:Ha1Md5 is not 32 hex digits: compute it with `pbxbridge agent-hash {a.Id}` (never store the password itself).");
            }

            if (!Hex(64).IsMatch(a.Ha1Sha256))
            {
                errors.Add($"Agents:{i}:Ha1Sha256 is not 64 hex digits: compute it with `pbxbridge agent-hash {a.Id}` (never store the password itself).");
            }
        }
    }

    private static Regex Hex(int length) => length == 32 ? Hex32() : Hex64();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex AgentId();

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex Hex32();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Hex64();
}
