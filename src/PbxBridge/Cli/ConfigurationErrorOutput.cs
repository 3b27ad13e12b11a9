using PbxBridge.Configuration;

namespace PbxBridge.Cli;

/// <summary>How every verb reports a configuration it cannot use: one stderr line per problem, exit 78 (EX_CONFIG).</summary>
public static class ConfigurationErrorOutput
{
    public static int Report(SettingsException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (var error in exception.Errors)
        {
            Console.Error.WriteLine($"pbxbridge: configuration error: {error}");
        }

        return RunCommand.ExitConfigurationError;
    }
}
