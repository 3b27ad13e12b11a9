using System.CommandLine;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Doctor;

namespace PbxBridge.Cli;

/// <summary>
/// `pbxbridge doctor`: checks the configuration and everything it names; exit 1 with a readable list when anything
/// fails, 78 (EX_CONFIG) when the configuration itself cannot be read or is invalid.
/// </summary>
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
        PbxBridgeSettings? settings = null;
        try
        {
            settings = SettingsLoader.LoadValidated(settingArguments);
            checks = await DoctorChecks.RunAsync(settings, cancellationToken);
        }
        catch (SettingsException e)
        {
            checks = [.. e.Errors.Select(error => new DoctorCheck("configuration", DoctorOutcome.Failed, error))];
        }

        if (settings is not null && checks.Any(c => c is { Outcome: DoctorOutcome.Failed, NeedsRunningService: true }))
        {
            checks = await ExcuseWhenServiceIsDownAsync(checks, settings, cancellationToken);
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
        // No other check could run without a configuration: exit as `run` would (EX_CONFIG), so scripts tell them apart.
        return settings is null ? RunCommand.ExitConfigurationError : failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Doctor runs before the service as often as beside it (the install steps end with it): a check that only the
    /// running service can make pass is skipped, with what to do, when this host's PbxBridge does not answer /healthz.
    /// </summary>
    private static async Task<IReadOnlyList<DoctorCheck>> ExcuseWhenServiceIsDownAsync(
        IReadOnlyList<DoctorCheck> checks, PbxBridgeSettings settings, CancellationToken cancellationToken)
    {
        using var client = new AdminClient(settings, url: null);
        bool running;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            // 503 is a running service too: draining, or without its PBX (which the PBX check then reports).
            running = (await client.SendAsync(HttpMethod.Get, "healthz", timeout.Token)).Status is 200 or 503;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            running = false;
        }

        return running
            ? checks
            : [.. checks.Select(c => c is { Outcome: DoctorOutcome.Failed, NeedsRunningService: true }
                ? c with { Outcome = DoctorOutcome.NotChecked, Detail = $"{c.Detail} (PbxBridge is not running at {client.BaseAddress}: start it, then run doctor again)" }
                : c)];
    }
}
