using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PbxBridge.Tests.Cli;

namespace PbxBridge.Tests.Support;

/// <summary>The built service as its own process (`pbxbridge run` on the demo PBX, a free loopback port), so its memory
/// is its own: /proc/PID/status for RSS, POST /api/diagnostics/heap for the managed heap after a full GC.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, int port, string stateDirectory)
    {
        _process = process;
        Port = port;
        StateDirectory = stateDirectory;
        BaseUri = new Uri($"https://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public string StateDirectory { get; }

    public Uri BaseUri { get; }

    public Uri SipUri => new($"wss://127.0.0.1:{Port}/sip");

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

    /// <summary>Starts it with a state directory it has to create itself (under a temporary folder removed on dispose).</summary>
    public static async Task<ServiceProcess> StartAsync(params string[] settings)
    {
        var port = FreePort();
        var state = Path.Combine(Directory.CreateTempSubdirectory("pbxbridge-proc-").FullName, "state");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     PbxBridgeCli.Dll, "run", $"--Http:Port={port}", $"--State:Directory={state}", "--Demo:AgentPassword=proc-test",
                     "--Media:BrowserPortStart=47600", "--Media:BrowserPortEnd=47799", "--Media:PbxPortStart=47800", "--Media:PbxPortEnd=47999",
                 }.Concat(settings))
        {
            start.ArgumentList.Add(a);
        }

        var service = new ServiceProcess(Process.Start(start)!, port, state);
        service._process.OutputDataReceived += (_, e) => service.Append(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        using var http = service.NewHttpClient();
        for (var i = 0; i < 600; i++)
        {
            Assert.False(service._process.HasExited, "the service exited before /healthz answered:\n" + service.Output);
            try
            {
                if ((await http.GetAsync(new Uri("healthz", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        await service.DisposeAsync();
        throw new TimeoutException("the service never answered /healthz");
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
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(StateDirectory)!, recursive: true);
        }
        catch (IOException)
        {
            // A log file still being closed by the dying process: the temp folder is cleaned later.
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
