using PbxBridge.Testing;

namespace PbxBridge.RealPbx.Harness;

/// <summary>
/// The shell an admin runs a README's install steps in: the PBX's CLI and <c>pbxbridge</c> on PATH (wrappers that
/// point them at this test's instances), and PbxBridge's configuration in <c>PBXBRIDGE_Section__Key</c> variables,
/// the form the README documents, so <c>pbxbridge config render</c> and <c>pbxbridge doctor</c> see the settings the
/// service runs with.
/// </summary>
public static class AdminShell
{
    /// <summary>Writes the wrappers into <paramref name="bin"/> and returns the environment for the steps.</summary>
    public static Dictionary<string, string> Environment(string bin, IReadOnlyDictionary<string, string> commands, IEnumerable<string> pbxBridgeSettings)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(pbxBridgeSettings);
        Directory.CreateDirectory(bin);
        var all = new Dictionary<string, string>(commands) { ["pbxbridge"] = $"dotnet {RepoPaths.PbxBridgeDll}" };
        foreach (var (name, command) in all)
        {
            var wrapper = Path.Combine(bin, name);
            File.WriteAllText(wrapper, $"#!/bin/sh\nexec {command} \"$@\"\n");
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var environment = new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + System.Environment.GetEnvironmentVariable("PATH"),
            ["PBXBRIDGE_State__Directory"] = Path.Combine(bin, "..", "pbxbridge-state"),
        };
        foreach (var setting in pbxBridgeSettings)
        {
            // --Section:Key=Value -> PBXBRIDGE_Section__Key=Value
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            var key = setting[2..equals].Replace(":", "__", StringComparison.Ordinal);
            environment["PBXBRIDGE_" + key] = setting[(equals + 1)..];
        }

        return environment;
    }
}
