using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PbxBridge.Testing;
using PbxBridge.Tests.Cli;

namespace PbxBridge.Tests.Support;

/// <summary>The built service as its own process (`pbxbridge run` on the demo PBX, a free loopback port), so its memory
/// is its own: /proc/PID/status for RSS, POST /api/diagnostics/heap for the managed heap after a full GC.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly PbxBridgeChildProcess _child;

    private ServiceProcess(PbxBridgeChildProcess child, int port, string stateDirectory)
    {
        _child = child;
        Port = port;
        StateDirectory = stateDirectory;
    }

    public int Port { get; }

    public string StateDirectory { get; }

    public Uri BaseUri => _child.BaseUri;

    public Uri SipUri => new($"wss://127.0.0.1:{Port}/sip");

    public string Output => _child.Output;

    /// <summary>Starts it with a state directory it has to create itself (under a temporary folder removed on dispose).</summary>
    public static async Task<ServiceProcess> StartAsync(params string[] settings)
    {
        var port = FreePort();
        var state = Path.Combine(Directory.CreateTempSubdirectory("pbxbridge-proc-").FullName, "state");
        var child = await PbxBridgeChildProcess.StartAsync(new PbxBridgeStartInfo
        {
            Dll = PbxBridgeCli.Dll,
            Port = port,
            StartTimeout = TimeSpan.FromSeconds(60),
            Arguments =
            [
                $"--Http:Port={port}", $"--State:Directory={state}", "--Demo:AgentPassword=proc-test",
                "--Media:BrowserPortStart=47600", "--Media:BrowserPortEnd=47799", "--Media:PbxPortStart=47800", "--Media:PbxPortEnd=47999",
                .. settings,
            ],
        });
        return new ServiceProcess(child, port, state);
    }

    /// <summary>A client that accepts the self-signed certificate and sends no credentials.</summary>
    public HttpClient NewHttpClient() =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A client with the token the service wrote to its state directory, as the CLI sends it.</summary>
    public HttpClient NewAdminClient()
    {
        var http = NewHttpClient();
        var token = Path.Combine(StateDirectory, "admin-token");
        if (File.Exists(token))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", File.ReadAllText(token).Trim());
        }

        return http;
    }

    /// <summary>Resident set size from /proc/PID/status, in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_child.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS");
    }

    /// <summary>The managed heap after a full, compacting collection (the service's loopback-only diagnostics endpoint).</summary>
    public async Task<long> ManagedHeapBytesAsync()
    {
        using var http = NewAdminClient();
        using var response = await http.PostAsync(new Uri("api/diagnostics/heap", UriKind.Relative), content: null);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("heapBytesAfterFullGc").GetInt64();
    }

    public async Task<string> MetricsAsync()
    {
        using var http = NewAdminClient();
        return await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
    }

    /// <summary>One unlabeled sample of /metrics.</summary>
    public async Task<long> MetricAsync(string name)
    {
        foreach (var line in (await MetricsAsync()).Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/metrics has no {name}");
    }

    public async ValueTask DisposeAsync()
    {
        await _child.DisposeAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(StateDirectory)!, recursive: true);
        }
        catch (IOException)
        {
            // A log file still being closed by the dying process: the temp folder is cleaned later.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
