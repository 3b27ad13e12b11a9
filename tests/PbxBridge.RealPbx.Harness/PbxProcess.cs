using System.Diagnostics;
using System.Text;

namespace PbxBridge.RealPbx.Harness;

/// <summary>
/// A PBX daemon run in the foreground by a test (asterisk -f, freeswitch -nf): what it printed is kept for failure
/// messages, and it is stopped the PBX's own way (a CLI command) or killed outright, as a crash would.
/// </summary>
public sealed class PbxProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _console = new();

    private PbxProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    /// <summary>The last 8,000 characters it printed.</summary>
    public string ConsoleOutput
    {
        get
        {
            lock (_console)
            {
                return _console.Length > 8000 ? "…" + _console.ToString(_console.Length - 8000, 8000) : _console.ToString();
            }
        }
    }

    public static PbxProcess Start(string binary, params string[] args)
    {
        var startInfo = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        var pbx = new PbxProcess(new Process { StartInfo = startInfo });
        pbx._process.OutputDataReceived += (_, e) => pbx.Append(e.Data);
        pbx._process.ErrorDataReceived += (_, e) => pbx.Append(e.Data);
        pbx._process.Start();
        pbx._process.BeginOutputReadLine();
        pbx._process.BeginErrorReadLine();
        return pbx;
    }

    /// <summary>Runs the PBX's CLI once (<c>asterisk -rx</c>, <c>fs_cli -x</c>) and returns what it printed on stdout.</summary>
    public static async Task<string> RunCliAsync(string binary, params string[] args)
    {
        var startInfo = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await stderr;
        return await stdout;
    }

    /// <summary>Polls <paramref name="ready"/> until it holds; throws with the console when the daemon exits or a minute passes.</summary>
    public async Task WaitReadyAsync(Func<Task<bool>> ready, string what)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await ready())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{what} did not start:\n{ConsoleOutput}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL with <paramref name="kill"/>, else <paramref name="gracefulStop"/>; either way waits for the exit.</summary>
    public async Task StopAsync(bool kill, Func<Task> gracefulStop)
    {
        ArgumentNullException.ThrowIfNull(gracefulStop);
        if (_process.HasExited)
        {
            return;
        }

        if (kill)
        {
            _process.Kill(entireProcessTree: true);
        }
        else
        {
            await gracefulStop();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public void Dispose() => _process.Dispose();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_console)
        {
            _console.AppendLine(line);
        }
    }
}
