using PbxBridge.Calls;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Overload;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Http;
using PbxBridge.Metrics;
using PbxBridge.Sip;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Hosting;

/// <summary>Starts the PBX adapter and the calls, prints where to go, and on SIGTERM drains calls before stopping.</summary>
public sealed class PbxBridgeService(
    PbxBridgeSettings settings,
    IPbx pbx,
    SipStack sip,
    CallManager calls,
    CallSignalling signalling,
    CallMediaServices media,
    PbxBridgeMetrics metrics,
    ConnectionsPerAddressLimiter connectionLimiter,
    OriginPolicy originPolicy,
    AdminAccess adminAccess,
    DemoCredentials demo,
    SipConnectionLifetime connections,
    OverloadMonitor overloadMonitor,
    ILogger<PbxBridgeService> logger) : IHostedLifecycleService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Media.Opus.OpusLibrary.EnsureAvailable();

        // The first BouncyCastle handshake in a cold process is slower than Chrome's DTLS retransmit timer:
        // pay it now, not on the first agent's call.
        var warmup = await WebRtc.Dtls.DtlsWarmup.RunAsync(media.BrowserLegs.Certificate, TimeSpan.FromSeconds(10));
        logger.LogInformation("DTLS warm-up handshake took {Milliseconds} ms", (int)warmup.TotalMilliseconds);
        calls.Attach(signalling);
        if (media.BrowserLegs.SingleUdpPort is { } singlePort)
        {
            logger.LogInformation("browser media on one UDP port, {Port}: legs told apart by ICE ufrag, then by address ({Batching})",
                singlePort.Port, singlePort.IsBatching ? "recvmmsg/sendmmsg batches" : "one syscall per datagram");
        }

        metrics.ActiveCalls = () => calls.ActiveCalls;
        var turnAddresses = TurnAddresses(settings.Media.TurnUrls);
        metrics.IsTurnRelay = address => turnAddresses.Contains(address);
        metrics.LiveCalls = () => calls.Calls;
        metrics.RegisteredAgents = () => sip.Registrations.Count;
        metrics.PbxControlUp = () => pbx.IsControlConnected;
        metrics.PbxReconnects = () => calls.ControlReconnects;
        metrics.Gauges = () =>
        [
            ("pbxbridge_sip_connections", "SIP WebSocket connections open.", sip.Counters.Connections),
            ("pbxbridge_sip_dialogs", "SIP dialogs alive.", sip.Counters.Dialogs),
            ("pbxbridge_sip_transactions", "SIP transactions alive.", sip.Counters.Transactions),
            ("pbxbridge_sip_timers", "SIP timers armed.", sip.Counters.Timers),
            ("pbxbridge_udp_ports_browser_in_use", "Browser-side UDP ports rented (one per call leg).", media.BrowserLegs.Ports.InUse),
            ("pbxbridge_udp_ports_pbx_in_use", "PBX-side UDP ports rented (one per call).", media.PbxPorts.InUse),
            .. OverloadGauges(media.Overload),
            .. SingleUdpPortGauges(media.BrowserLegs.SingleUdpPort),
        ];
        metrics.Counters = () =>
        [
            ("pbxbridge_sip_parse_failures_total", "SIP messages refused as malformed.", sip.Counters.ParseFailures),
            ("pbxbridge_sip_auth_failures_total", "Digest authentications that failed.", sip.Counters.AuthFailures),
            ("pbxbridge_sip_auth_throttled_total", "Requests refused (403/429, after a growing delay) from addresses that kept failing authentication.", sip.Counters.AuthThrottled),
            ("pbxbridge_sip_messages_rate_limited_total", "SIP messages refused over Limits:MessagesPerSecond (requests answered 503).", sip.Counters.MessagesRateLimited),
            ("pbxbridge_sip_connections_flood_closed_total", "SIP WebSocket connections closed (1008) for flooding past Limits:FloodGraceSeconds.", sip.Counters.ConnectionsClosedForFlooding),
            ("pbxbridge_sip_connections_refused_total", "SIP WebSocket upgrades refused (HTTP 503) over Limits:MaxConnectionsPerAddress.", connectionLimiter.Refused),
            ("pbxbridge_sip_connections_send_queue_closed_total", "SIP WebSocket connections closed (1008) whose queue toward the peer outgrew Limits:MaxSendQueueBytes (it did not read).", sip.Counters.ConnectionsClosedForSendQueue),
            ("pbxbridge_sip_connections_unauthenticated_closed_total", "SIP WebSocket connections closed (1008) with nothing authenticated within Limits:RegistrationDeadlineSeconds.", sip.Counters.ConnectionsClosedUnauthenticated),
            ("pbxbridge_sip_connections_origin_refused_total", "SIP WebSocket upgrades refused (HTTP 403) from a web page whose Origin is not in Http:AllowedOrigins.", originPolicy.Refused),
            ("pbxbridge_admin_requests_refused_total", "Admin API and /metrics requests refused (HTTP 403): no valid token, or from loopback without Http:TrustLoopback.", adminAccess.Refused),
            ("pbxbridge_sip_registrations_refused_total", "REGISTERs refused over Limits:MaxRegistrationsPerAgent (503 with Retry-After; 403 when one REGISTER alone carries more contacts).", sip.Counters.RegistrationsRefused),
            ("pbxbridge_sip_digest_uri_mismatch_total", "Requests refused (400) because their digest uri was not their Request-URI.", sip.Counters.DigestUriMismatches),
            ("pbxbridge_sip_reconnects_survived_total", "Calls whose agent came back on a new WebSocket (network change) and kept the call: its dialog moved there.", sip.Counters.DialogsMoved),
            ("pbxbridge_sip_foreign_dialog_requests_total", "Requests and responses for an agent's dialog from neither its connection nor one it registered on (481 / dropped).", sip.Counters.ForeignDialogRequests),
            .. MediaLoopCounters(media.Loops.Activity),
            .. SingleUdpPortCounters(media.BrowserLegs.SingleUdpPort),
            ("pbxbridge_overload_steps_engaged_total", "Overload steps engaged (each step crossed counts; see pbxbridge_overload_step).", media.Overload.StepsEngaged),
            ("pbxbridge_overload_calls_refused_total", "New calls refused with 503 Server Overloaded at the last overload step.", media.Overload.CallsRefused),
        ];
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

    /// <summary>The addresses of Media:TurnUrls' hosts (resolved once at start; a name that does not resolve is skipped).</summary>
    private static HashSet<System.Net.IPAddress> TurnAddresses(IEnumerable<string> urls)
    {
        var addresses = new HashSet<System.Net.IPAddress>();
        foreach (var url in urls)
        {
            // turn[s]:host[:port][?transport=...] (RFC 7065)
            var rest = url[(url.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('?')[0];
            var host = rest.StartsWith('[') ? rest[1..rest.IndexOf(']', StringComparison.Ordinal)] : rest.Split(':')[0];
            try
            {
                addresses.UnionWith(System.Net.IPAddress.TryParse(host, out var literal) ? [literal] : System.Net.Dns.GetHostAddresses(host));
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Unresolvable now: its relayed calls count as udp.
            }
        }

        return addresses;
    }

    /// <summary>
    /// SIGTERM: drain before any hosted service stops, the web server included. Its StopAsync closes the listener and
    /// waits for open connections, so a drain there (after it, in the host's order) found every WebSocket gone.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await calls.DrainAsync(TimeSpan.FromSeconds(settings.Shutdown.DrainSeconds), cancellationToken);

        // Only now: the drain's BYEs travelled over these connections, and the web server finds none left to wait for.
        connections.CloseAll();
    }

    private static (string Name, string Help, long Value)[] OverloadGauges(OverloadController overload) =>
    [
        ("pbxbridge_overload_step", "Overload step now: 0 normal; then new calls, then all calls at a lower Opus complexity, step by step; the last refuses new calls.", overload.Current.Level),
        ("pbxbridge_overload_refusing_calls", "1 while new calls are refused for overload (503 Server Overloaded).", overload.Current.RefuseNewCalls ? 1 : 0),
        ("pbxbridge_overload_new_call_opus_complexity", "Opus complexity a call starting now gets.", overload.NewCallComplexity),
        ("pbxbridge_overload_opus_complexity_ceiling", "Highest Opus complexity any call encodes at now.", overload.CallComplexityCeiling),
        ("pbxbridge_media_loop_busy_percent", "Share of the last second the busiest media loop was awake (handling datagrams and ticks).", (long)Math.Round(overload.LastBusiestLoopFraction * 100)),
    ];

    private static (string Name, string Help, long Value)[] SingleUdpPortGauges(SingleUdpPort? port) => port is null ? [] :
    [
        ("pbxbridge_single_udp_port_ufrags", "ICE ufrags of browser legs on Media:SingleUdpPort (one per leg, two during an ICE restart).", port.UfragCount),
        ("pbxbridge_single_udp_port_addresses", "Browser addresses bound to a leg on Media:SingleUdpPort (each after a check that verified).", port.AddressCount),
    ];

    private static (string Name, string Help, long Value)[] SingleUdpPortCounters(SingleUdpPort? port) => port is null ? [] :
    [
        ("pbxbridge_single_udp_port_datagrams_total", "Datagrams read on Media:SingleUdpPort.", port.Datagrams),
        ("pbxbridge_single_udp_port_unknown_ufrag_total", "STUN checks on Media:SingleUdpPort whose USERNAME names no leg: dropped.", port.UnknownUfrag),
        ("pbxbridge_single_udp_port_unknown_address_total", "DTLS/SRTP/RTCP on Media:SingleUdpPort from an address no leg verified: dropped.", port.UnknownAddress),
        ("pbxbridge_single_udp_port_rebinds_total", "Addresses moved to another leg by a verified check (NAT reuse).", port.Rebinds),
        ("pbxbridge_single_udp_port_recvmmsg_calls_total", "recvmmsg calls on Media:SingleUdpPort (Media:SingleUdpPortBatch); with _datagrams_total, datagrams per receive call.", port.ReceiveCalls),
        ("pbxbridge_single_udp_port_sendmmsg_calls_total", "sendmmsg calls on Media:SingleUdpPort, one per media loop pass with something to send.", port.SendCalls),
        ("pbxbridge_single_udp_port_sendmmsg_datagrams_total", "Datagrams those sendmmsg calls carried.", port.BatchedSends),
        ("pbxbridge_single_udp_port_handoff_dropped_total", "Datagrams dropped because the owning media loop's hand-off queue was full (the loop is behind).", port.InboxDropped),
    ];

    private static (string Name, string Help, long Value)[] MediaLoopCounters(MediaLoopActivity activity) =>
    [
        ("pbxbridge_media_loop_wakeups_total", "Times a media loop woke (a tick or datagrams); datagram events per wake-up say how well they batch.", activity.WakeUps),
        ("pbxbridge_media_loop_datagram_events_total", "Datagrams the media loops were woken for.", activity.DatagramEvents),
        ("pbxbridge_media_loop_ticks_total", "20 ms ticks run by the media loops.", activity.Ticks),
        ("pbxbridge_media_loop_ticks_late_total", "Ticks that started more than 5 ms late (the machine is short of CPU).", activity.LateTicks),
        ("pbxbridge_media_loop_ticks_skipped_total", "Ticks given up after a loop fell 100 ms behind: 20 ms of audio to the PBX each.", activity.SkippedTicks),
    ];

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The container disposes the PBX adapter (closing ARI / ESL) after every hosted service stopped.
        overloadMonitor.Dispose();
        media.Loops.Dispose();
        if (signalling.AgentStates is { } agentStates)
        {
            // The agents whose connections the drain just closed reach the PBX as signed out (on a cluster node:
            // withdrawn, so their next calls go to the node they reconnect to) while ARI/ESL is still up.
            await agentStates.StopAsync(TimeSpan.FromSeconds(5));
            await agentStates.DisposeAsync();
        }

        logger.LogInformation("PbxBridge stopped");
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
