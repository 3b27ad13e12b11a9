using Microsoft.Extensions.Configuration;

namespace PbxBridge.Configuration;

/// <summary>
/// Every section PbxBridge reads, bound once from the merged configuration (appsettings.json,
/// /etc/pbxbridge/pbxbridge.json, PBXBRIDGE_* environment variables, --Section:Key=Value arguments).
/// </summary>
public sealed class PbxBridgeSettings
{
    public required HttpOptions Http { get; init; }
    public required MediaOptions Media { get; init; }
    public required PbxOptions Pbx { get; init; }
    public required SipOptions Sip { get; init; }
    public required StateOptions State { get; init; }
    public required DemoOptions Demo { get; init; }
    public required ShutdownOptions Shutdown { get; init; }
    public required LimitsOptions Limits { get; init; }
    public required ClusterOptions Cluster { get; init; }
    public required IReadOnlyList<AgentOptions> Agents { get; init; }

    /// <summary>The raw configuration, for the PBX adapters' own sections (Pbx:Asterisk, Pbx:FreeSwitch).</summary>
    public required IConfiguration Configuration { get; init; }

    /// <summary>
    /// Binds every section. A value that cannot be converted (Http:Port=abc) becomes a <see cref="SettingsException"/>
    /// naming the key, instead of a stack trace.
    /// </summary>
    public static PbxBridgeSettings Bind(IConfiguration configuration)
    {
        return new PbxBridgeSettings
        {
            Http = BindSection<HttpOptions>(configuration, HttpOptions.Section),
            Media = BindSection<MediaOptions>(configuration, MediaOptions.Section),
            Pbx = BindSection<PbxOptions>(configuration, PbxOptions.Section),
            Sip = BindSection<SipOptions>(configuration, SipOptions.Section),
            State = BindSection<StateOptions>(configuration, StateOptions.Section),
            Demo = BindSection<DemoOptions>(configuration, DemoOptions.Section),
            Shutdown = BindSection<ShutdownOptions>(configuration, ShutdownOptions.Section),
            Limits = BindSection<LimitsOptions>(configuration, LimitsOptions.Section),
            Cluster = BindSection<ClusterOptions>(configuration, ClusterOptions.Section),
            Agents = BindSection<List<AgentOptions>>(configuration, "Agents"),
            Configuration = configuration,
        };
    }

    private static T BindSection<T>(IConfiguration configuration, string section)
        where T : new()
    {
        var value = new T();
        try
        {
            configuration.GetSection(section).Bind(value);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the key and the value: keep its words, drop the stack.
            var inner = e.InnerException?.Message;
            throw new SettingsException([inner is null ? e.Message : $"{e.Message} ({inner})"]);
        }

        return value;
    }
}
