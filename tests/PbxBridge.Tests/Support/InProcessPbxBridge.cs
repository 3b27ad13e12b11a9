using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using System.Net.Sockets;
using PbxBridge.Configuration;
using PbxBridge.Hosting;
using Serilog;

namespace PbxBridge.Tests.Support;

/// <summary>The real service (ServiceHost.Build: Kestrel with TLS, the SIP stack, the calls, the demo PBX) in this
/// process on a free loopback port, with its own state directory and media ports away from the defaults.</summary>
internal sealed class InProcessPbxBridge : IAsyncDisposable
{
    public const string DemoPassword = "limits-test";

    private readonly WebApplication _app;
    private readonly string _stateDirectory;

    private InProcessPbxBridge(WebApplication app, string stateDirectory, int port)
    {
        _app = app;
        _stateDirectory = stateDirectory;
        BaseUri = new Uri($"https://127.0.0.1:{port}");
    }

    public Uri BaseUri { get; }

    public Uri SipUri => new(BaseUri.ToString().Replace("https://", "wss://", StringComparison.Ordinal) + "sip");

    public IServiceProvider Services => _app.Services;

    public static Task<InProcessPbxBridge> StartAsync(params string[] settings) => StartAsync(new LoggerConfiguration().CreateLogger(), settings);

    /// <summary>With the service's log going to <paramref name="logger"/> (LoggingSetup's, for tests of the log itself).</summary>
    public static async Task<InProcessPbxBridge> StartAsync(Serilog.ILogger logger, params string[] settings)
    {
        var port = FreePort();
        var state = Directory.CreateTempSubdirectory("pbxbridge-limits-").FullName;
        string[] arguments =
        [
            $"--Http:Port={port}", $"--State:Directory={state}", $"--Demo:AgentPassword={DemoPassword}", "--Shutdown:DrainSeconds=0",
            "--Media:BrowserPortStart=47200", "--Media:BrowserPortEnd=47399", "--Media:PbxPortStart=47400", "--Media:PbxPortEnd=47599",
            .. settings,
        ];
        var parsed = PbxBridgeSettings.Bind(ConfigurationFactory.Build(arguments));
        Assert.Empty(SettingsValidator.Validate(parsed));
        var app = ServiceHost.Build(parsed, logger, parsed.Cluster.NodeId ?? "limits-test");
        await app.StartAsync();
        return new InProcessPbxBridge(app, state, port);
    }

    public string StateDirectory => _stateDirectory;

    /// <summary>/metrics with the token the service wrote to its state directory, as the CLI sends it.</summary>
    public async Task<string> MetricsAsync()
    {
        using var http = AdminHttpClient();
        return await http.GetStringAsync(new Uri(BaseUri, "/metrics"));
    }

    /// <summary>A client of the admin API (and the demo's) with the token the service wrote to its state directory.</summary>
    public HttpClient AdminHttpClient()
    {
        var http = NewHttpClient();
        var token = Path.Combine(_stateDirectory, "admin-token");
        if (File.Exists(token))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", File.ReadAllText(token).Trim());
        }

        return http;
    }

    /// <summary>A client that accepts the self-signed certificate and sends no credentials.</summary>
    public HttpClient NewHttpClient() =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = BaseUri };

    /// <summary>What SIGTERM starts (the drain, then the web server's stop); dispose still waits for it to end.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_stateDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
