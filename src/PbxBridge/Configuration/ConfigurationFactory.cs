using Microsoft.Extensions.Configuration;

namespace PbxBridge.Configuration;

/// <summary>
/// The configuration sources, lowest precedence first: appsettings.json beside the binary,
/// /etc/pbxbridge/pbxbridge.json (or PBXBRIDGE_CONFIG), PBXBRIDGE_* environment variables
/// (PBXBRIDGE_Http__Port), then --Section:Key=Value arguments.
/// </summary>
public static class ConfigurationFactory
{
    public const string EnvironmentPrefix = "PBXBRIDGE_";
    public const string DefaultSiteFile = "/etc/pbxbridge/pbxbridge.json";

    public static string SiteFile =>
        Environment.GetEnvironmentVariable("PBXBRIDGE_CONFIG") is { Length: > 0 } path ? path : DefaultSiteFile;

    /// <summary>
    /// Reads every source. A file that is not valid JSON, or that cannot be read, becomes a <see cref="SettingsException"/>
    /// naming the file and the place, so every verb answers it with one line and exit 78, never a stack trace.
    /// </summary>
    public static IConfigurationRoot Build(IReadOnlyList<string> settingArguments)
    {
        var builder = new ConfigurationBuilder();
        AddSources(builder, settingArguments);
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new SettingsException(ConfigurationFileError.Describe(e), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Opening the file failed (permissions, a directory in its place): the provider does not wrap that.
            throw new SettingsException($"cannot read the configuration: {e.Message}", e);
        }
    }

    public static void AddSources(IConfigurationBuilder builder, IReadOnlyList<string> settingArguments)
    {
        builder.Sources.Clear();
        builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(SiteFile, optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine(NormalizeArguments(settingArguments));
    }

    /// <summary>Accepts --Http:Port=8443, --Http:Port 8443 and Http:Port=8443 alike; rejects anything else clearly.</summary>
    public static string[] NormalizeArguments(IReadOnlyList<string> arguments)
    {
        var result = new List<string>(arguments.Count);
        for (var i = 0; i < arguments.Count; i++)
        {
            var a = arguments[i];
            var key = a.StartsWith("--", StringComparison.Ordinal) ? a[2..] : a.StartsWith('/') ? a[1..] : a;
            if (key.Contains('=', StringComparison.Ordinal))
            {
                result.Add("--" + key);
            }
            else if (a.StartsWith("--", StringComparison.Ordinal) && i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                result.Add("--" + key + "=" + arguments[++i]);
            }
            else
            {
                throw new SettingsException([$"Argument '{a}' is not a setting: write settings as --Section:Key=Value (e.g. --Http:Port=8443)."]);
            }
        }

        return [.. result];
    }
}
