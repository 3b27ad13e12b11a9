using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// Runs one node scenario script from tests/browser (where playwright-core, JsSIP and SIP.js are installed).
/// The script's contract (tests/browser/lib/scenario.mjs): arguments as <c>--name=value</c>, progress on stderr,
/// and the last stdout line is a JSON object; exit code 0 means it passed.
/// </summary>
public static class NodeScenario
{
    public static Task<JsonElement> RunAsync(string scriptPath, IEnumerable<string> args, TimeSpan timeout) =>
        RunAsync(scriptPath, args, timeout, networkNamespace: null);

    /// <summary>As above, with node (and so Chromium) inside <paramref name="networkNamespace"/> when one is given.</summary>
    public static async Task<JsonElement> RunAsync(string scriptPath, IEnumerable<string> args, TimeSpan timeout, string? networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(args);
        var script = Path.IsPathRooted(scriptPath) ? scriptPath : Path.Combine(RepoPaths.BrowserTests, scriptPath);
        if (!File.Exists(script))
        {
            throw new FileNotFoundException($"Scenario script not found: {script}", script);
        }

        var startInfo = new ProcessStartInfo(networkNamespace is null ? "node" : "ip")
        {
            WorkingDirectory = RepoPaths.BrowserTests,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (networkNamespace is not null)
        {
            foreach (var word in new[] { "netns", "exec", networkNamespace, "node" })
            {
                startInfo.ArgumentList.Add(word);
            }
        }

        startInfo.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"{Path.GetFileName(script)} did not finish within {timeout.TotalSeconds:0} s.{Describe(stdout, stderr)}");
        }

        // The parameterless wait flushes the asynchronous stdout/stderr readers.
        await process.WaitForExitAsync();
        var result = LastJsonLine(Snapshot(stdout));
        if (process.ExitCode != 0 || result is null)
        {
            var error = result is { } r && r.TryGetProperty("error", out var e) ? e.ToString() : "no JSON result line";
            throw new NodeScenarioFailedException(
                $"{Path.GetFileName(script)} failed (exit code {process.ExitCode}): {error}{Describe(stdout, stderr)}");
        }

        return result.Value;
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    private static JsonElement? LastJsonLine(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            if (!lines[i].StartsWith('{'))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // A log line that merely starts with a brace; keep looking further up.
            }
        }

        return null;
    }

    private static string Describe(StringBuilder stdout, StringBuilder stderr) =>
        $"\n--- stderr ---\n{Tail(Snapshot(stderr))}\n--- stdout ---\n{Tail(Snapshot(stdout))}";

    private static string Tail(string text, int maxChars = 6000) =>
        text.Length <= maxChars ? text : "…" + text[^maxChars..];
}
