using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace PbxBridge.Testing;

/// <summary>
/// The built pbxbridge executable as a child process, for a test or a measurement: started, ready once
/// <c>GET /healthz</c> answers 200 on its loopback HTTPS port (its self-signed certificate trusted blindly), killed
/// with its process tree on dispose. What it prints is kept for failure messages (in memory, or in
/// <see cref="PbxBridgeStartInfo.LogFile"/>).
/// </summary>
public sealed class PbxBridgeChildProcess : IAsyncDisposable, IDisposable
{
    private readonly Process _process;
    private readonly string? _logFile;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    private PbxBridgeChildProcess(Process process, int port, string? logFile)
    {
        _process = process;
        _logFile = logFile;
        BaseUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{port}/"));
        Http = new HttpClient(new HttpClientHandler
        {
            // The service generates a self-signed certificate in its state directory; the caller trusts it blindly.
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        })
        {
            BaseAddress = BaseUri,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>The pid of dotnet running pbxbridge (for /proc).</summary>
    public int Id => _process.Id;

    public Uri BaseUri { get; }

    /// <summary>A client for its endpoint, based at <see cref="BaseUri"/>.</summary>
    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What it printed so far (the log file's content when it writes one).</summary>
    public string Output
    {
        get
        {
            if (_logFile is not null)
            {
                try
                {
                    using var log = new FileStream(_logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    return new StreamReader(log).ReadToEnd();
                }
                catch (IOException e)
                {
                    return $"({_logFile}: {e.Message})";
                }
            }

            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts it and waits for /healthz; throws with its output when it exits first or the timeout passes.</summary>
    public static async Task<PbxBridgeChildProcess> StartAsync(PbxBridgeStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!File.Exists(start.Dll))
        {
            throw new FileNotFoundException($"{start.Dll} is missing: build src/PbxBridge first (./test.sh builds everything).", start.Dll);
        }

        var child = new PbxBridgeChildProcess(new Process { StartInfo = StartInfo(start) }, start.Port, start.LogFile);
        try
        {
            await child.StartAndWaitHealthyAsync(start.StartTimeout).ConfigureAwait(false);
        }
        catch
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return child;
    }

    /// <summary>Sends SIGTERM, as systemd stops the service, and waits for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>
    /// SIGKILL (kill -9): the process dies at once, as on a crash or an OOM kill, without draining or telling the PBX
    /// anything; its state directory is left as it was.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Kill())
        {
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Killed but not yet reaped; the OS finishes it.
            }
        }

        _process.Dispose();
    }

    /// <summary>The same as <see cref="DisposeAsync"/>, blocking (for a caller's <c>using</c>).</summary>
    public void Dispose()
    {
        if (Kill())
        {
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    /// <summary>Kills the process tree once; true when there is an exit to wait for.</summary>
    private bool Kill()
    {
        if (_disposed)
        {
            return false;
        }

        _disposed = true;
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                return true;
            }
        }
        catch (InvalidOperationException)
        {
            // Never started (it failed at once): nothing to kill.
        }

        return false;
    }

    private static ProcessStartInfo StartInfo(PbxBridgeStartInfo start)
    {
        string[] command = ["dotnet", start.Dll, "run", .. start.Arguments];
        ProcessStartInfo info;
        if (start.LogFile is null)
        {
            info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in command[1..])
            {
                info.ArgumentList.Add(argument);
            }
        }
        else
        {
            // The shell redirects the console to the file; exec keeps the pid dotnet's own.
            info = new ProcessStartInfo("/bin/sh");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("log=$1; shift; exec \"$@\" > \"$log\" 2>&1");
            info.ArgumentList.Add("sh");
            info.ArgumentList.Add(start.LogFile);
            foreach (var argument in command)
            {
                info.ArgumentList.Add(argument);
            }
        }

        info.UseShellExecute = false;
        if (start.WorkingDirectory is not null)
        {
            info.WorkingDirectory = start.WorkingDirectory;
        }

        foreach (var (name, value) in start.Environment)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private async Task StartAndWaitHealthyAsync(TimeSpan timeout)
    {
        if (_logFile is null)
        {
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
        }

        _process.Start();
        if (_logFile is null)
        {
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        var elapsed = Stopwatch.StartNew();
        var lastProblem = "no answer yet";
        while (elapsed.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"pbxbridge exited with code {_process.ExitCode} before /healthz answered.\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("healthz", UriKind.Relative)).ConfigureAwait(false);
                // 503: serving, but without its PBX yet (or draining): up is all a start waits for; pbx.connected says more.
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)
                {
                    return;
                }

                lastProblem = $"/healthz answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                lastProblem = e.Message;
            }
            catch (TaskCanceledException e)
            {
                lastProblem = e.Message;
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        throw new TimeoutException($"pbxbridge did not become healthy within {timeout.TotalSeconds:0} s ({lastProblem}).\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
