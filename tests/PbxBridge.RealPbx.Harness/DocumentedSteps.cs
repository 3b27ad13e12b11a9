using System.Diagnostics;
using System.Text;
using PbxBridge.Testing;

namespace PbxBridge.RealPbx.Harness;

/// <summary>
/// Runs the install steps a README gives an admin, as written: every <c>```sh</c> block between the markers
/// <c>&lt;!-- install-steps --&gt;</c> and <c>&lt;!-- /install-steps --&gt;</c>, in order, as one script. The blocks name
/// their folders through variables with the admin's defaults (<c>${ASTERISK_ETC:-/etc/asterisk}</c>); the test sets
/// them to the private run folder and puts wrappers for the PBX's CLI and for <c>pbxbridge</c> first on PATH. A step
/// the docs do not give cannot be run here, so the docs cannot drift.
/// </summary>
public static class DocumentedSteps
{
    public const string Marker = "<!-- install-steps -->";

    public const string EndMarker = "<!-- /install-steps -->";

    /// <summary>
    /// The shell block under the marker in <paramref name="readme"/> (relative to the repository root); with
    /// <paramref name="name"/>, the block between <c>&lt;!-- install-steps:NAME --&gt;</c> and its end marker.
    /// </summary>
    public static string Extract(string readme, string? name = null)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, readme));
        var startMarker = name is null ? Marker : $"<!-- install-steps:{name} -->";
        var endMarker = name is null ? EndMarker : $"<!-- /install-steps:{name} -->";
        var marker = text.IndexOf(startMarker, StringComparison.Ordinal);
        if (marker < 0)
        {
            throw new InvalidOperationException($"{readme} has no {startMarker} before its install steps");
        }

        var end = text.IndexOf(endMarker, marker, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new InvalidOperationException($"{readme} has no {endMarker} after its install steps");
        }

        var script = new System.Text.StringBuilder();
        var inBlock = false;
        foreach (var raw in text[marker..end].Split('\n'))
        {
            // Blocks may be indented under a numbered step: take their lines as the shell sees them.
            var line = raw.Trim();
            if (!inBlock && line == "```sh")
            {
                inBlock = true;
            }
            else if (inBlock && line == "```")
            {
                inBlock = false;
            }
            else if (inBlock)
            {
                script.AppendLine(line);
            }
        }

        return script.Length > 0 ? script.ToString() : throw new InvalidOperationException($"{readme}: no ```sh block between the install-steps markers");
    }

    /// <summary>Runs <paramref name="script"/> with bash -eu, <paramref name="environment"/> set; throws with the output on failure.</summary>
    public static async Task<string> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-euo");
        startInfo.ArgumentList.Add("pipefail");
        startInfo.ArgumentList.Add("-xc");
        startInfo.ArgumentList.Add(script);
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        var output = new StringBuilder();
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
            throw new TimeoutException($"the documented steps did not finish in {timeout.TotalSeconds:0} s:\n{script}");
        }

        output.Append(await stdout).Append(await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the documented steps failed (exit {process.ExitCode}):\n{output}");
        }

        return output.ToString();
    }
}
