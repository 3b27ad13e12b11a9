using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// A real PbxBridge process for one test: the built executable
/// (<c>dotnet src/PbxBridge/bin/Debug/net10.0/pbxbridge.dll run</c>) on a free loopback port, with its own
/// temporary state directory and a known demo agent password. Start waits for <c>GET /healthz</c>;
/// everything the process printed is kept for failure messages; disposing kills it and removes the state.
/// </summary>
public sealed class PbxBridgeProcess : IAsyncDisposable
{
    public const string DefaultAgentPassword = "demo-secret-1001";

    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly IReadOnlyList<string> _extraArgs;
    private bool _ownsStateDirectory = true;
    private bool _disposed;

    private PbxBridgeProcess(Process process, int port, string stateDirectory, string agentPassword, IReadOnlyList<string> extraArgs)
    {
        _process = process;
        _extraArgs = extraArgs;
        Port = port;
        StateDirectory = stateDirectory;
        AgentPassword = agentPassword;
        BaseUri = new Uri($"https://127.0.0.1:{port}/");
        Http = new HttpClient(new HttpClientHandler
        {
            // The host generates a self-signed certificate in the state directory; the test trusts it blindly.
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        })
        {
            BaseAddress = BaseUri,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public int Port { get; }

    public string StateDirectory { get; }

    public string AgentPassword { get; }

    public Uri BaseUri { get; }

    /// <summary>wss://127.0.0.1:PORT/sip, the SIP over WebSocket endpoint.</summary>
    public string SipUrl => $"wss://127.0.0.1:{Port}/sip";

    /// <summary>https://127.0.0.1:PORT/phone/, the agent page.</summary>
    public string PhoneUrl => new Uri(BaseUri, "phone/").ToString();

    /// <summary>An HTTP client for this process's endpoint (loopback, trusted here: the admin API needs no token).</summary>
    public HttpClient Http { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static Task<PbxBridgeProcess> StartAsync(
        string agentPassword = DefaultAgentPassword,
        IEnumerable<string>? extraArgs = null,
        TimeSpan? startTimeout = null) =>
        StartAsync(agentPassword, [.. extraArgs ?? []], startTimeout, FreeTcpPort.Next(), stateDirectory: null);

    /// <summary>
    /// Stops this process (its state directory stays) and starts a new one on the same port with the same state,
    /// as an admin restarting the service would; browsers connected to this one see their WebSocket drop.
    /// </summary>
    public async Task<PbxBridgeProcess> RestartAsync(TimeSpan? startTimeout = null)
    {
        _ownsStateDirectory = false;
        await DisposeAsync();
        return await StartAsync(AgentPassword, _extraArgs, startTimeout, Port, StateDirectory);
    }

    private static async Task<PbxBridgeProcess> StartAsync(
        string agentPassword, IReadOnlyList<string> extraArgs, TimeSpan? startTimeout, int port, string? stateDirectory)
    {
        var dll = RepoPaths.PbxBridgeDll;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build src/PbxBridge first (./test.sh builds everything).", dll);
        }

        var state = stateDirectory ?? Directory.CreateTempSubdirectory("pbxbridge-test-").FullName;
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = state,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     dll, "run",
                     "--Http:ListenAddress=127.0.0.1",
                     $"--Http:Port={port}",
                     $"--State:Directory={state}",
                     $"--Demo:AgentPassword={agentPassword}",

                     // The scenarios call the admin and demo API from the browser's own request context, which has no
                     // token; this process is alone in the test's network namespace, so loopback may be trusted here.
                     "--Http:TrustLoopback=true",
                 })
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var arg in extraArgs)
        {
            startInfo.ArgumentList.Add(arg);
        }

        var host = new PbxBridgeProcess(new Process { StartInfo = startInfo }, port, state, agentPassword, extraArgs);
        try
        {
            await host.StartAndWaitHealthyAsync(startTimeout ?? DefaultStartTimeout);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>
    /// Sends SIGTERM, as systemd stops the service, and waits for the process to exit; returns its exit code.
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>
    /// SIGKILL (kill -9): the process dies at once, as on a crash or an OOM kill, without draining or telling the PBX
    /// anything; its state directory stays for <see cref="RestartAsync"/>.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits (10 s at most) until /metrics has the sample line <paramref name="sample"/> (name, labels and value); false if it never did.</summary>
    public async Task<bool> WaitForMetricAsync(string sample)
    {
        for (var i = 0; i < 100; i++)
        {
            var metrics = await Http.GetStringAsync(new Uri(BaseUri, "metrics"));
            if (metrics.Split('\n').Any(line => line.Trim() == sample))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>POST /api/demo/calls: the demo PBX calls <paramref name="agent"/> (the caller plays the 1004 Hz tone).</summary>
    public async Task<string> StartDemoCallAsync(string agent = "1001", string from = "601")
    {
        using var response = await Http.PostAsync(
            new Uri($"api/demo/calls?agent={Uri.EscapeDataString(agent)}&from={Uri.EscapeDataString(from)}", UriKind.Relative),
            content: null);
        await EnsureSuccessAsync(response, "POST /api/demo/calls");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("callId").ToString();
    }

    /// <summary>DELETE /api/demo/calls/{id}: the demo PBX hangs the call up from its side.</summary>
    public async Task HangUpDemoCallAsync(string callId)
    {
        using var response = await Http.DeleteAsync(new Uri($"api/demo/calls/{Uri.EscapeDataString(callId)}", UriKind.Relative));
        await EnsureSuccessAsync(response, $"DELETE /api/demo/calls/{callId}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started (the executable was missing or failed at once): nothing to kill.
        }
        catch (TimeoutException)
        {
            // Killed but not yet reaped; the OS finishes it.
        }

        _process.Dispose();
        if (!_ownsStateDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the dying process; the temp folder is cleaned by the OS later.
        }
    }

    private async Task StartAndWaitHealthyAsync(TimeSpan timeout)
    {
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        string lastProblem = "no answer yet";
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"pbxbridge exited with code {_process.ExitCode} before /healthz answered.\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
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

            await Task.Delay(200);
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

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException(
                $"{what} answered {(int)response.StatusCode}: {body}\n--- pbxbridge output ---\n{Output}");
        }
    }
}
