namespace PbxBridge.Asterisk;

/// <summary>Configuration section <c>Pbx:Asterisk</c>: how PbxBridge reaches ARI and what it asks Asterisk for.</summary>
public sealed class AsteriskOptions
{
    public const string SectionName = "Pbx:Asterisk";

    /// <summary>The http(s) base of Asterisk's HTTP server (http.conf), without <c>/ari</c>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8088";

    /// <summary>The ARI user from ari.conf.</summary>
    public string User { get; set; } = "pbxbridge";

    public string Password { get; set; } = "";

    /// <summary>Alternative to User/Password: "user:password", sent as the <c>api_key</c> query parameter.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The site's Stasis application name: a single node's ARI application, the device states of agents
    /// (<c>Stasis:{App}-{agent}</c>) and the AstDB family where cluster nodes say which node serves an agent
    /// (<c>{App}/agent/{agent}</c>).
    /// </summary>
    public string App { get; set; } = "pbxbridge";

    /// <summary>
    /// Cluster:NodeId when this PbxBridge is one node of several (set by the host, not bound from Pbx:Asterisk);
    /// null for a single node.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>
    /// The ARI application this process registers and names its channels and bridges after ("{Application}-..."):
    /// <see cref="App"/> for a single node, "{App}-{NodeId}" for a cluster node, so that no node's reconciliation
    /// ever sees another node's channels as its own.
    /// </summary>
    public string Application => string.IsNullOrEmpty(NodeId) ? App : App + "-" + NodeId;

    /// <summary>
    /// Cluster nodes (set by the host to Media:ConsentTimeoutSeconds, not bound from Pbx:Asterisk): each channel a call
    /// holds gets TIMEOUT(absolute) of this many seconds, renewed every third of it, so Asterisk ends the calls of a
    /// node that died within it. 0 (a single node): no lease.
    /// </summary>
    public int ChannelLeaseSeconds { get; set; }

    /// <summary>The endpoint an agent's dialed number, and a blind transfer's target, is originated to; <c>{number}</c> is replaced.</summary>
    public string DialTemplate { get; set; } = "Local/{number}@pbxbridge-outbound";

    /// <summary>externalMedia format: "ulaw" (G.711, PT 0) or "slin16" (16 kHz linear, PT 118).</summary>
    public string Format { get; set; } = "ulaw";

    /// <summary>Clear, key-naming errors; empty when the options are usable. Never echoes a password.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{SectionName}:Url '{Url}' is not an http(s) URL (e.g. http://127.0.0.1:8088)");
        }

        if (string.IsNullOrEmpty(ApiKey))
        {
            if (string.IsNullOrWhiteSpace(User))
            {
                errors.Add($"{SectionName}:User is empty; set the ARI user from ari.conf (or {SectionName}:ApiKey)");
            }

            if (string.IsNullOrEmpty(Password))
            {
                errors.Add($"{SectionName}:Password is empty; set the password of the ARI user '{User}' (or {SectionName}:ApiKey)");
            }
        }
        else if (!ApiKey.Contains(':', StringComparison.Ordinal))
        {
            errors.Add($"{SectionName}:ApiKey must have the form user:password");
        }

        if (string.IsNullOrWhiteSpace(App) || App.AsSpan().IndexOfAny("/?&#,= ") >= 0)
        {
            errors.Add($"{SectionName}:App '{App}' must be a plain name without / ? & # , = or spaces");
        }

        if (!DialTemplate.Contains("{number}", StringComparison.Ordinal) || !DialTemplate.Contains('/', StringComparison.Ordinal))
        {
            errors.Add($"{SectionName}:DialTemplate '{DialTemplate}' must be a Tech/resource endpoint containing {{number}}, e.g. Local/{{number}}@pbxbridge-outbound");
        }

        if (Format is not ("ulaw" or "slin16"))
        {
            errors.Add($"{SectionName}:Format '{Format}' is not supported; use ulaw or slin16");
        }

        return errors;
    }

    /// <summary>The ARI user name in use (from ApiKey when set), for messages.</summary>
    public string EffectiveUser => string.IsNullOrEmpty(ApiKey) ? User : ApiKey.Split(':', 2)[0];
}
