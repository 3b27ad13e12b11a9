using System.Net;
using PbxBridge.Agents;
using PbxBridge.Calls;
using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Overload;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Http;
using PbxBridge.Metrics;
using PbxBridge.Net;
using PbxBridge.Sip;
using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Registrar;
using PbxBridge.Sip.Transport;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Hosting;

/// <summary>The object graph of a running PbxBridge: one of each, no global singletons beyond the container.</summary>
public static class ServiceRegistration
{
    public static void AddPbxBridge(IServiceCollection services, PbxBridgeSettings settings)
    {
        var demoPassword = settings.Pbx.Kind == PbxKind.Demo ? DemoAgents.Password(settings.Demo, settings.State) : null;
        services.AddSingleton(AgentDirectory.FromSettings(settings, demoPassword));
        services.AddSingleton<ISipAgentDirectory>(sp => sp.GetRequiredService<AgentDirectory>());
        services.AddSingleton(new DemoCredentials(demoPassword));
        services.AddSingleton<PbxBridgeMetrics>();
        services.AddSingleton(new ConnectionsPerAddressLimiter(settings.Limits.MaxConnectionsPerAddress, TimeProvider.System));
        services.AddSingleton(new OriginPolicy(settings.Http.AllowedOrigins, TimeProvider.System));
        var localToken = LocalAdminToken.Create(settings.State.Directory);
        services.AddSingleton(localToken);
        services.AddSingleton(new AdminAccess(settings.Http.AdminToken, localToken.Value, settings.Http.TrustLoopback));
        services.AddSingleton<CallManager>();
        services.AddSingleton<MediaLoopPool>();
        services.AddSingleton(new OverloadController(new OverloadSettings(
            settings.Limits.OverloadControl,
            settings.Media.OpusComplexity,
            settings.Media.OverloadOpusComplexityStep,
            settings.Limits.OverloadEngageBusyPercent / 100.0,
            settings.Limits.OverloadReleaseBusyPercent / 100.0,
            TimeSpan.FromSeconds(settings.Limits.OverloadReleaseSeconds),
            TimeSpan.FromSeconds(settings.Limits.OverloadRetryAfterSeconds))));
        services.AddSingleton(sp => new OverloadMonitor(
            sp.GetRequiredService<MediaLoopPool>(), sp.GetRequiredService<OverloadController>(), sp.GetRequiredService<ILogger<OverloadMonitor>>(), TimeProvider.System));
        services.AddSingleton(sp => PbxFactory.Create(settings, sp));
        services.AddSingleton(_ => new RegistrationChangeNotifier(new InMemoryRegistrationStore()));
        services.AddSingleton(sp => new SipStack(
            new SipStackOptions
            {
                UserAgent = $"PbxBridge/{Cli.VersionCommand.Version}",
                DigestAlgorithms = [.. settings.Sip.DigestAlgorithms.Select(a => a == "SHA-256" ? DigestAlgorithm.Sha256 : DigestAlgorithm.Md5)],
                MinExpires = settings.Sip.MinExpires,
                ReconnectGrace = TimeSpan.FromSeconds(settings.Sip.ReconnectGraceSeconds),
                MaxExpires = settings.Sip.MaxExpires,
                MaxRegistrationsPerAgent = settings.Limits.MaxRegistrationsPerAgent,
                MessageRate = new SipMessageRateLimit(settings.Limits.MessagesPerSecond, settings.Limits.MessageBurst, TimeSpan.FromSeconds(settings.Limits.FloodGraceSeconds)),
                ConnectionLimits = new SipConnectionLimits(settings.Limits.MaxSendQueueBytes, TimeSpan.FromSeconds(settings.Limits.RegistrationDeadlineSeconds)),
                MaxAuthFailures = settings.Limits.AuthFailures,
                AuthFailureWindow = TimeSpan.FromSeconds(settings.Limits.AuthFailureWindowSeconds),
                AuthThrottleMaxDelay = TimeSpan.FromSeconds(settings.Limits.AuthMaxDelaySeconds),
                RegistrationStore = sp.GetRequiredService<RegistrationChangeNotifier>(),
            },
            sp.GetRequiredService<ISipAgentDirectory>(),
            sp.GetRequiredService<CallManager>(),
            sp.GetRequiredService<ILogger<SipStack>>()));
        services.AddSingleton(_ => DtlsCertificate.Generate());
        var iceTcpPorts = IceTcpPorts(settings);
        services.AddSingleton<IceUfragDirectory<IIceTcpHost>>();
        services.AddSingleton(sp => new IceTcpOpener(sp.GetRequiredService<IceUfragDirectory<IIceTcpHost>>(), sp.GetRequiredService<ILogger<IceTcpOpener>>()));
        if (settings.Media.SingleUdpPort > 0)
        {
            // Bound now, while settings are checked: a port another process holds is a configuration error.
            var socket = BindSingleUdpPort(settings);
            services.AddSingleton(sp => new SingleUdpPort(socket, sp.GetRequiredService<MediaLoopPool>().Loops, settings.Media.SingleUdpPortBatch));
        }

        services.AddSingleton(sp => new BrowserLegMedia(
            new WebRtcOptions(IPAddress.Parse(settings.Media.PublicAddress), TimeSpan.FromSeconds(settings.Media.ConsentTimeoutSeconds), TimeSpan.FromSeconds(10))
            {
                IceTcpPorts = iceTcpPorts,
            },
            new UdpPortPool(
                IPAddress.Parse(settings.Media.BrowserBindAddress.Length > 0 ? settings.Media.BrowserBindAddress : settings.Media.PublicAddress),
                settings.Media.BrowserPortStart,
                settings.Media.BrowserPortEnd),
            sp.GetRequiredService<DtlsCertificate>(),
            iceTcpPorts.Count > 0 ? sp.GetRequiredService<IceUfragDirectory<IIceTcpHost>>() : null,
            sp.GetService<SingleUdpPort>()));
        services.AddSingleton(sp => new CallMediaServices(
            sp.GetRequiredService<BrowserLegMedia>(),
            new UdpPortPool(IPAddress.Parse(settings.Media.PbxBindAddress), settings.Media.PbxPortStart, settings.Media.PbxPortEnd),
            sp.GetRequiredService<MediaLoopPool>(),
            new CallMediaSettings(
                settings.Media.PbxCodec switch { "alaw" => PbxCodec.Pcma, "slin16" => PbxCodec.L16Wideband, _ => PbxCodec.Pcmu },
                settings.Media.OpusComplexity,
                settings.Media.OpusBitrate,
                settings.Media.OpusInbandFec,
                settings.Media.OpusDtx),
            sp.GetRequiredService<OverloadController>()));
        services.AddSingleton(CallLimits.Default with { MaxCalls = settings.Limits.MaxCalls, MaxCallsPerAgent = settings.Limits.MaxCallsPerAgent });
        services.AddSingleton<ICallObserver>(sp => sp.GetRequiredService<PbxBridgeMetrics>());
        services.AddSingleton(sp => new CallSignalling(
            sp.GetRequiredService<IPbx>(),
            sp.GetRequiredService<SipStack>(),
            sp.GetRequiredService<ISipAgentDirectory>(),
            sp.GetRequiredService<IPbx>() is IPbxAgentStatePublisher publisher ? CreateAgentStates(sp, publisher, settings.Cluster) : null));
        services.AddSingleton<NetworkCheckLegs>();
        services.AddSingleton<SipConnectionLifetime>();
        services.AddHostedService<PbxBridgeService>();
        Cluster.ClusterRegistration.Add(services, settings);
        if (settings.Media.IceTcpPort > 0)
        {
            services.AddHostedService<IceTcpPortService>();
        }
    }

    /// <summary>Agents' states toward the PBX's queues, fed by every registration change (and, through
    /// <see cref="CallSignalling.AgentStates"/>, every call change). On a cluster node (Cluster:NodeId) also where each
    /// agent registered here is served, when the adapter can tell its PBX (<see cref="IPbxAgentLocationPublisher"/>).</summary>
    private static AgentStateTracker CreateAgentStates(IServiceProvider sp, IPbxAgentStatePublisher publisher, ClusterOptions cluster)
    {
        var registrations = sp.GetRequiredService<RegistrationChangeNotifier>();
        var callManager = sp.GetRequiredService<CallManager>();
        var tracker = new AgentStateTracker(
            publisher,
            registrations,
            sp.GetRequiredService<AgentDirectory>().All.Select(a => a.AgentId),
            () => callManager.Calls,
            sp.GetRequiredService<ILogger<AgentStateTracker>>(),
            cluster.Enabled ? sp.GetRequiredService<IPbx>() as IPbxAgentLocationPublisher : null);
        registrations.Changed += tracker.OnAgentRegistrationChanged;
        return tracker;
    }

    /// <summary>
    /// Binds Media:SingleUdpPort at the browser-side address; a port another process holds stops startup with the key
    /// and the fix (exit 78), as any other bad setting does, not with a stack trace on the first call.
    /// </summary>
    private static System.Net.Sockets.Socket BindSingleUdpPort(PbxBridgeSettings settings)
    {
        var media = settings.Media;
        var address = IPAddress.Parse(media.BrowserBindAddress.Length > 0 ? media.BrowserBindAddress : media.PublicAddress);
        try
        {
            return SingleUdpPort.Bind(address, media.SingleUdpPort);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new SettingsException(
                [$"Media:SingleUdpPort = {media.SingleUdpPort} cannot be bound at {address} ({e.SocketErrorCode}): the UDP port is in use or not allowed; pick a free port, or 0 for one port per leg."]);
        }
    }

    /// <summary>The TCP ports advertised as passive ICE-TCP candidates: the dedicated one, then the HTTPS port.</summary>
    public static IReadOnlyList<int> IceTcpPorts(PbxBridgeSettings settings) =>
    [
        .. settings.Media.IceTcpPort > 0 ? [settings.Media.IceTcpPort] : Array.Empty<int>(),
        .. settings.Media.IceTcpOnHttpsPort ? [settings.Http.Port] : Array.Empty<int>(),
    ];
}

/// <summary>The demo agents' password, when running on the demo PBX (null otherwise).</summary>
public sealed record DemoCredentials(string? Password);
