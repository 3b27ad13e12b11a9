using System.CommandLine;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Doctor;

namespace PbxBridge.Cli;

/// <summary>`pbxbridge doctor`: checks the configuration and everything it names; exit 1 with a readable list when anything fails.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check configuration, certificate, ports, libopus and the PBX (reachable, authenticated, configured).");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => ExecuteAsync(parse.UnmatchedTokens, ct));
        return command;
    }

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> settingArguments, CancellationToken cancellationToken)
    {
        IReadOnlyList<DoctorCheck> checks;
        try
        {
            var settings = SettingsLoader.LoadValidated(settingArguments);
            checks = await DoctorChecks.RunAsync(settings, cancellationToken);
        }
        catch (SettingsException e)
        {
            checks = [.. e.Errors.Select(error => new DoctorCheck("configuration", DoctorOutcome.Failed, error))];
        }

        foreach (var check in checks)
        {
            var mark = check.Outcome switch
            {
                DoctorOutcome.Passed => "PASS",
                DoctorOutcome.Failed => "FAIL",
                _ => "SKIP",
            };
            Console.WriteLine($"{mark}  {check.Name}: {check.Detail}");
        }

        var failed = checks.Count(c => c.Outcome == DoctorOutcome.Failed);
        Console.WriteLine(failed == 0 ? $"doctor: all {checks.Count} checks passed or skipped" : $"doctor: {failed} of {checks.Count} checks failed");
        return failed == 0 ? 0 : 1;
    }
}
