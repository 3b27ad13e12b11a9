using PbxBridge.Calls;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Metrics;
using PbxBridge.Sip;

namespace PbxBridge.Hosting;

/// <summary>Starts the PBX adapter and the calls, prints where to go, and on SIGTERM drains calls before stopping.</summary>
public sealed class PbxBridgeService(
    PbxBridgeSettings settings,
    IPbx pbx,
    SipStack sip,
    CallManager calls,
    CallServices callServices,
    PbxBridgeMetrics metrics,
    DemoCredentials demo,
    ILogger<PbxBridgeService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Media.Opus.OpusLibrary.EnsureAvailable();

        // The first BouncyCastle handshake in a cold process is slower than Chrome's DTLS retransmit timer:
        // pay it now, not on the first agent's call.
        var warmup = await WebRtc.Dtls.DtlsWarmup.RunAsync(callServices.Certificate, TimeSpan.FromSeconds(10));
        logger.LogInformation("DTLS warm-up handshake took {Milliseconds} ms", (int)warmup.TotalMilliseconds);
        calls.Attach(callServices);
        metrics.ActiveCalls = () => calls.ActiveCalls;
        metrics.LiveCalls = () => calls.Calls;
        metrics.RegisteredAgents = () => sip.Registrations.Count;
        metrics.PbxControlUp = () => pbx.IsControlConnected;
        await pbx.StartAsync(calls, cancellationToken);

        var host = settings.Http.ListenAddress is "0.0.0.0" or "::" ? settings.Media.PublicAddress : settings.Http.ListenAddress;
        var url = $"https://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{settings.Http.Port}";
        logger.LogInformation("PbxBridge {Version} on {Url} (PBX: {Kind}); agents' page {Url}/phone/, SIP over WebSocket {Wss}/sip",
            Cli.VersionCommand.Version, url, pbx.Kind, url, url.Replace("https://", "wss://", StringComparison.Ordinal));
        if (demo.Password is not null)
        {
            // Printed on the console only, never to the log files.
            Console.WriteLine($"Demo agents 1001 and 1002, password: {demo.Password}   (open {url}/phone/ and call 600 echo, 601 tone, 602 no answer, 603 busy)");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await calls.DrainAsync(TimeSpan.FromSeconds(settings.Shutdown.DrainSeconds), cancellationToken);
        // The container disposes the PBX adapter (closing ARI / ESL) after every hosted service stopped.
        callServices.Pacer.Dispose();
        logger.LogInformation("PbxBridge stopped");
    }
}
