using System.Net.Http.Json;
using System.Text.Json;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// A real PbxBridge process for one test (<see cref="PbxBridgeChildProcess"/>: the built executable, ready once
/// <c>GET /healthz</c> answers) on a free loopback port, with its own temporary state directory and a known demo agent
/// password, and the demo API the scenarios drive; disposing kills it and removes the state.
/// </summary>
public sealed class PbxBridgeProcess : IAsyncDisposable
{
    public const string DefaultAgentPassword = "demo-secret-1001";

    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(30);

    private readonly PbxBridgeChildProcess _child;
    private readonly IReadOnlyList<string> _extraArgs;
    private bool _ownsStateDirectory = true;
    private bool _disposed;

    private PbxBridgeProcess(PbxBridgeChildProcess child, int port, string stateDirectory, string agentPassword, IReadOnlyList<string> extraArgs)
    {
        _child = child;
        _extraArgs = extraArgs;
        Port = port;
        StateDirectory = stateDirectory;
        AgentPassword = agentPassword;
    }

    public int Port { get; }

    public string StateDirectory { get; }

    public string AgentPassword { get; }

    public Uri BaseUri => _child.BaseUri;

    /// <summary>wss://127.0.0.1:PORT/sip, the SIP over WebSocket endpoint.</summary>
    public string SipUrl => $"wss://127.0.0.1:{Port}/sip";

    /// <summary>https://127.0.0.1:PORT/phone/, the agent page.</summary>
    public string PhoneUrl => new Uri(BaseUri, "phone/").ToString();

    /// <summary>An HTTP client for this process's endpoint (loopback, trusted here: the admin API needs no token).</summary>
    public HttpClient Http => _child.Http;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => _child.Output;

    public bool HasExited => _child.HasExited;

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
        var state = stateDirectory ?? Directory.CreateTempSubdirectory("pbxbridge-test-").FullName;
        var start = new PbxBridgeStartInfo
        {
            Dll = RepoPaths.PbxBridgeDll,
            Port = port,
            WorkingDirectory = state,
            StartTimeout = startTimeout ?? DefaultStartTimeout,
            Arguments =
            [
                "--Http:ListenAddress=127.0.0.1",
                $"--Http:Port={port}",
                $"--State:Directory={state}",
                $"--Demo:AgentPassword={agentPassword}",

                // The scenarios call the admin and demo API from the browser's own request context, which has no
                // token; this process is alone in the test's network namespace, so loopback may be trusted here.
                "--Http:TrustLoopback=true",
                .. extraArgs,
            ],
        };
        try
        {
            return new PbxBridgeProcess(await PbxBridgeChildProcess.StartAsync(start), port, state, agentPassword, extraArgs);
        }
        catch
        {
            if (stateDirectory is null)
            {
                DeleteState(state);
            }

            throw;
        }
    }

    /// <summary>
    /// Sends SIGTERM, as systemd stops the service, and waits for the process to exit; returns its exit code.
    /// </summary>
    public Task<int> TerminateAsync(TimeSpan timeout) => _child.TerminateAsync(timeout);

    /// <summary>
    /// SIGKILL (kill -9): the process dies at once, as on a crash or an OOM kill, without draining or telling the PBX
    /// anything; its state directory stays for <see cref="RestartAsync"/>.
    /// </summary>
    public Task KillAsync() => _child.KillAsync();

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
        await _child.DisposeAsync();
        if (_ownsStateDirectory)
        {
            DeleteState(StateDirectory);
        }
    }

    private static void DeleteState(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the dying process; the temp folder is cleaned by the OS later.
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
