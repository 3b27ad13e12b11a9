using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PbxBridge.Configuration;
using PbxBridge.Http;
using Serilog;

namespace PbxBridge.Hosting;

/// <summary>
/// Wires the service: one HTTPS endpoint (WSS /sip, /phone, /healthz, /metrics, admin API), the PBX adapter that
/// <c>Pbx:Kind</c> selects, the SIP stack and the calls. Runs until SIGTERM/SIGINT, then drains calls.
/// </summary>
public static class ServiceHost
{
    public static async Task<int> RunAsync(PbxBridgeSettings settings, CancellationToken cancellationToken)
    {
        // A cluster node is known by Cluster:NodeId everywhere (logs, metrics, /healthz); a single node by its host.
        var nodeId = settings.Cluster.NodeId is { Length: > 0 } clusterId ? clusterId
            : settings.Configuration["Node:Id"] is { Length: > 0 } id ? id : Environment.MachineName;
        await using var logger = LoggingSetup.Create(settings.Configuration, settings.State.Directory, nodeId);
        try
        {
            await using var app = Build(settings, logger, nodeId);
            await app.StartAsync(cancellationToken);
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            await WaitForShutdownAsync(lifetime, cancellationToken);
            await app.StopAsync(CancellationToken.None);
            return 0;
        }
        catch (SettingsException e)
        {
            foreach (var error in e.Errors)
            {
                logger.Fatal("configuration error: {Error}", error);
            }

            return Cli.RunCommand.ExitConfigurationError;
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            logger.Fatal("cannot listen on {Address}:{Port}: the port is in use by another process (change Http:Port or stop it)", settings.Http.ListenAddress, settings.Http.Port);
            return 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.Fatal(e, "PbxBridge stopped on an unexpected error");
            return 1;
        }
    }

    private static async Task WaitForShutdownAsync(IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var stopped = new TaskCompletionSource();
        using var a = lifetime.ApplicationStopping.Register(() => stopped.TrySetResult());
        using var b = cancellationToken.Register(() => stopped.TrySetResult());
        await stopped.Task;
    }

    public static WebApplication Build(PbxBridgeSettings settings, Serilog.ILogger logger, string nodeId)
    {
        // Without a built /phone page there is no wwwroot: say so, and never let ASP.NET create one under a
        // read-only install directory (/opt/pbxbridge).
        var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(webRoot))
        {
            logger.Warning("no /phone page in {WebRoot}: build it with web/phone/build.sh (run.sh and the Ansible role do)", webRoot);
            webRoot = Directory.CreateTempSubdirectory("pbxbridge-empty-webroot-").FullName;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = webRoot,
            Args = [],
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(settings.Configuration);
        builder.Host.UseSystemd();
        builder.Host.UseSerilog(logger, dispose: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.Shutdown.DrainSeconds + 10));

        var certificate = TlsCertificateProvider.Load(settings.Http, settings.State, message => logger.Information("{Message}", message));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Listen(IPAddress.Parse(settings.Http.ListenAddress), settings.Http.Port, listen =>
            {
                // HTTP/1.1 only: SIP over WebSocket rides the RFC 6455 upgrade that every SIP library and proxy in
                // front of us (Kamailio, nginx) speaks; WebSockets over HTTP/2 (RFC 8441) buy nothing here.
                listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
                if (settings.Http.ProxyProtocol)
                {
                    // Before TLS: the front's PROXY header comes first on the wire, in clear.
                    listen.Use(next => listen.ApplicationServices.GetRequiredService<Http.ProxyProtocol.ProxyProtocolConnections>().Wrap(next));
                }

                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificate,
                    // TLS 1.2+ only; .NET on Linux takes OpenSSL's modern cipher list for these.
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                });
            });
        });

        if (settings.Media.IceTcpOnHttpsPort)
        {
            // Kestrel's own socket transport for every endpoint, except that the HTTPS port's connections are
            // accepted by PbxBridge first so that ICE-TCP media can share it (HttpsPortWithIceTcp).
            builder.Services.RemoveAll<IConnectionListenerFactory>();
            builder.Services.AddSingleton<SocketTransportFactory>();
            builder.Services.AddSingleton<IConnectionListenerFactory>(sp => new HttpsPortWithIceTcp(
                sp.GetRequiredService<SocketTransportFactory>(),
                sp.GetRequiredService<IOptions<SocketTransportOptions>>(),
                sp.GetRequiredService<WebRtc.Transport.IceTcpOpener>(),
                settings.Http.Port,
                sp.GetRequiredService<ILoggerFactory>()));
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(sp => new Http.ProxyProtocol.ProxyProtocolConnections(
            settings.Http.ProxyProtocolFrontNetworks(), TimeSpan.FromSeconds(5), TimeProvider.System,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<Http.ProxyProtocol.ProxyProtocolConnections>()));
        builder.Services.AddSingleton(new NodeInfo(nodeId, DateTimeOffset.UtcNow));
        ServiceRegistration.AddPbxBridge(builder.Services, settings);

        var app = builder.Build();
        Endpoints.Map(app, settings);
        return app;
    }
}
