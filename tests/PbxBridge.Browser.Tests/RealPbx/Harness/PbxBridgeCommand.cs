using System.Diagnostics;
using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>One <c>pbxbridge VERB ...</c> of the built executable, as an admin runs it (config render, doctor).</summary>
public static class PbxBridgeCommand
{
    public static async Task<(int ExitCode, string Output)> TryRunAsync(IEnumerable<string> args)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(RepoPaths.PbxBridgeDll);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task<string> RunAsync(IEnumerable<string> args)
    {
        var list = args.ToList();
        var (exitCode, output) = await TryRunAsync(list);
        return exitCode == 0 ? output : throw new InvalidOperationException($"pbxbridge {string.Join(' ', list)} exited {exitCode}:\n{output}");
    }
}
