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

    /// <summary>The ARI user's password; when null (nothing configured) the placeholder CHANGE-ME stays.</summary>
    public string? AriPassword { get; init; }

    public string App { get; init; } = "pbxbridge";

    public int AsteriskRtpStart { get; init; } = 10000;

    public int AsteriskRtpEnd { get; init; } = 10999;

    /// <summary>The environment variable that overrides the configured ARI password in the rendered ari.conf.</summary>
    public const string PasswordVariable = "PBXBRIDGE_ARI_PASSWORD";

    /// <summary>Build the values from PbxBridge's options; <see cref="PasswordVariable"/> overrides the password if set.</summary>
    public static AsteriskRenderValues From(AsteriskOptions options, string? pbxBridgeAddress = null) =>
        From(options, pbxBridgeAddress, Environment.GetEnvironmentVariable(PasswordVariable));

    /// <summary>
    /// Build the values from PbxBridge's options. The password is the one PbxBridge itself logs in with
    /// (Pbx:Asterisk:Password, or the password half of Pbx:Asterisk:ApiKey), so the rendered ari.conf and PbxBridge
    /// agree without a hand edit; <paramref name="passwordOverride"/> (the environment variable) wins when given.
    /// </summary>
    public static AsteriskRenderValues From(AsteriskOptions options, string? pbxBridgeAddress, string? passwordOverride)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = Uri.TryCreate(options.Url, UriKind.Absolute, out var u) ? u : new Uri("http://127.0.0.1:8088");
        return new AsteriskRenderValues
        {
            PbxBridgeAddress = pbxBridgeAddress ?? "127.0.0.1",
            HttpBindAddress = url.Host,
            HttpPort = url.Port,
            AriUser = options.EffectiveUser,
            AriPassword = NullIfEmpty(passwordOverride) ?? ConfiguredPassword(options),
            App = options.App,
        };
    }

    private static string? ConfiguredPassword(AsteriskOptions options) =>
        string.IsNullOrEmpty(options.ApiKey) ? NullIfEmpty(options.Password) : NullIfEmpty(options.ApiKey.Split(':', 2) is [_, var password] ? password : null);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
