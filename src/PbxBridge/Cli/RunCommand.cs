using System.CommandLine;
using PbxBridge.Configuration;
using PbxBridge.Hosting;

namespace PbxBridge.Cli;

/// <summary>`pbxbridge run`: the service. Exit codes: 0 stopped cleanly, 78 (EX_CONFIG) bad configuration, 1 failure.</summary>
public static class RunCommand
{
    /// <summary>sysexits.h EX_CONFIG: the unit file uses RestartPreventExitStatus=78 so a bad config does not loop.</summary>
    public const int ExitConfigurationError = 78;

    public static Command Create()
    {
        var command = new Command("run", "Run the service (the default verb). Settings: --Section:Key=Value, e.g. --Http:Port=8443 --Pbx:Kind=Asterisk.");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => ExecuteAsync(parse.UnmatchedTokens, ct));
        return command;
    }

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> settingArguments, CancellationToken cancellationToken)
    {
        PbxBridgeSettings settings;
        try
        {
            settings = SettingsLoader.LoadValidated(settingArguments);
        }
        catch (SettingsException e)
        {
            return ConfigurationErrorOutput.Report(e);
        }

        return await ServiceHost.RunAsync(settings, cancellationToken);
    }
}
