namespace PbxBridge.Asterisk.Config;

/// <summary>This site's values for the shipped Asterisk snippets (defaults = the shipped files as they are).</summary>
public sealed record AsteriskRenderValues
{
    /// <summary>The address PbxBridge connects to ARI from (acl.conf permit).</summary>
    public string PbxBridgeAddress { get; init; } = "127.0.0.1";

    /// <summary>http.conf bindaddr: where Asterisk's HTTP server (ARI) listens.</summary>
    public string HttpBindAddress { get; init; } = "127.0.0.1";

    public int HttpPort { get; init; } = 8088;

    public string AriUser { get; init; } = "pbxbridge";

    /// <summary>Written only when given (from the environment); otherwise the placeholder CHANGE-ME stays.</summary>
    public string? AriPassword { get; init; }

    public string App { get; init; } = "pbxbridge";

    public int AsteriskRtpStart { get; init; } = 10000;

    public int AsteriskRtpEnd { get; init; } = 10999;

    /// <summary>Build the values from PbxBridge's options; the password comes from PBXBRIDGE_ARI_PASSWORD if set.</summary>
    public static AsteriskRenderValues From(AsteriskOptions options, string? pbxBridgeAddress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = Uri.TryCreate(options.Url, UriKind.Absolute, out var u) ? u : new Uri("http://127.0.0.1:8088");
        var password = Environment.GetEnvironmentVariable("PBXBRIDGE_ARI_PASSWORD");
        return new AsteriskRenderValues
        {
            PbxBridgeAddress = pbxBridgeAddress ?? "127.0.0.1",
            HttpBindAddress = url.Host,
            HttpPort = url.Port,
            AriUser = options.EffectiveUser,
            AriPassword = string.IsNullOrEmpty(password) ? null : password,
            App = options.App,
        };
    }
}
