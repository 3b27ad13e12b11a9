using System.Diagnostics;

namespace PbxBridge.Tests.Cli;

/// <summary>Runs the built `pbxbridge` executable as an admin would, capturing its output and exit code.</summary>
public static class PbxBridgeCli
{
    public static string Dll
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PbxBridge.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "src", "PbxBridge", "bin", "Debug", "net10.0", "pbxbridge.dll");
        }
    }

    public static Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunAsync(TimeSpan timeout, params string[] args) =>
        RunInStateAsync(timeout, stateDirectory: null, new Dictionary<string, string>(), args);

    /// <summary>As above, with <paramref name="environment"/> added to the process's environment (e.g. PBXBRIDGE_CONFIG).</summary>
    public static Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunAsync(
        TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunInStateAsync(timeout, stateDirectory: null, environment, args);

    /// <summary>Runs it with <paramref name="stateDirectory"/> as State:Directory (a running service's, kept), or a
    /// temporary one (removed) when null.</summary>
    public static Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunInStateAsync(TimeSpan timeout, string? stateDirectory, params string[] args) =>
        RunInStateAsync(timeout, stateDirectory, new Dictionary<string, string>(), args);

    private static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunInStateAsync(
        TimeSpan timeout, string? stateDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var state = stateDirectory ?? Directory.CreateTempSubdirectory("pbxbridge-cli-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add($"--State:Directory={state}");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pbxbridge {string.Join(' ', args)} did not exit within {timeout.TotalSeconds} s: {await stdout}{await stderr}");
        }
        finally
        {
            if (stateDirectory is null)
            {
                Directory.Delete(state, recursive: true);
            }
        }

        return (process.ExitCode, await stdout + await stderr, watch.Elapsed);
    }
}
