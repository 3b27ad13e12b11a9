using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Esl;
using PbxBridge.FreeSwitch.Sip;
using PbxBridge.Sip;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transactions;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// <see cref="IPbx"/> for FreeSWITCH: media and call signalling over PbxBridge's own SIP/UDP user agent toward the
/// pbxbridge sofia profile; control and events over one inbound ESL connection that reconnects with capped backoff.
/// Calls survive an ESL outage (their SIP dialogs and RTP do not depend on it); after each reconnect, pbxbridge-profile
/// channels that belong to no call of ours are killed and our legs FreeSWITCH no longer has are ended.
/// </summary>
public sealed partial class FreeSwitchPbx : IPbx, IFreeSwitchApi
{
    /// <summary>
    /// The events the adapter needs (NOTES A2); no filters, so BACKGROUND_JOB cannot be filtered away. No DTMF: every
    /// digit toward the agent (the far party's, an IVR's send_dtmf, uuid_send_dtmf) comes as RFC 2833 in our leg's RTP,
    /// which the media pipeline relays to the browser; the DTMF event as well would play each far-party digit twice.
    /// </summary>
    public static readonly IReadOnlyList<string> SubscribedEvents =
    [
        "CHANNEL_CREATE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_ANSWER", "CHANNEL_BRIDGE",
        "CHANNEL_UNBRIDGE", "CHANNEL_HANGUP_COMPLETE", "BACKGROUND_JOB",
    ];

    private readonly FreeSwitchOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SipTimerValues _timers;
    private readonly ConcurrentDictionary<string, FreeSwitchChannel> _bySipCallId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FreeSwitchChannel> _byBridgeCallId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FreeSwitchChannel> _byUniqueId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FreeSwitchChannel, Action<PbxCause>> _ends = new();
    private readonly CancellationTokenSource _stop = new();
    private SipUdpAgent? _agent;
    private IPbxInboundHandler? _inbound;
    private volatile EslConnection? _connection;
    private Task _controlLoop = Task.CompletedTask;
    private long _reconnects;

    public FreeSwitchPbx(FreeSwitchOptions options, ILogger<FreeSwitchPbx> logger)
        : this(options, logger, TimeProvider.System, SipTimerValues.Default)
    {
    }

    /// <summary>With the SIP leg's clock and RFC 3261 timer values (tests shorten T1 or drive a fake clock).</summary>
    internal FreeSwitchPbx(FreeSwitchOptions options, ILogger logger, TimeProvider time, SipTimerValues timers)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _time = time;
        _timers = timers;
    }

    public string Kind => "FreeSwitch";

    public bool IsControlConnected => _connection?.IsConnected == true;

    /// <summary>The UDP address PbxBridge's SIP user agent listens on (after <see cref="StartAsync"/>).</summary>
    public IPEndPoint? LocalSipEndPoint => _agent?.LocalEndPoint;

    /// <summary>Legs (either direction) not yet ended.</summary>
    public int ActiveLegs => _ends.Count;

    /// <summary>Successful ESL connections after the first.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>The last reason the control connection could not be established, null once connected.</summary>
    public string? LastControlError { get; private set; }

    public async Task StartAsync(IPbxInboundHandler inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("invalid FreeSWITCH configuration: " + string.Join("; ", errors));
        }

        _inbound = inbound;
        var bind = new IPEndPoint(IPAddress.Parse(_options.LocalSipAddress), _options.LocalSipPort);
        _agent = new SipUdpAgent(bind, _options.SipEndPoint, _time, _timers, _logger) { IncomingInvite = OnIncomingInvite };
        _agent.Start();

        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _controlLoop = Task.Run(() => ControlLoopAsync(firstAttempt));
        await firstAttempt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IPbxLeg> PlaceCallAsync(OutboundCallRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = _agent ?? throw new InvalidOperationException("StartAsync first");
        if (string.IsNullOrWhiteSpace(request.Destination) || request.Destination.AsSpan().IndexOfAny(" \t\r\n<>@;:\"") >= 0)
        {
            throw new PbxCallFailedException(PbxCause.Unallocated, $"'{request.Destination}' is not a number FreeSWITCH can route");
        }

        if (request.Media.Codec != PbxCodec.Pcmu)
        {
            throw new PbxCallFailedException(FreeSwitchHangupCause.FromName("INCOMPATIBLE_DESTINATION"), "the pbxbridge profile speaks PCMU only");
        }

        var fs = agent.FreeSwitch.ToString();
        var local = agent.FreeSwitchFlow.LocalSentBy;
        var display = request.AgentDisplayName.Replace("\"", string.Empty, StringComparison.Ordinal).Replace("\\", string.Empty, StringComparison.Ordinal);
        var leg = new FreeSwitchOutboundLeg(request.Observer, OnLegEnded);
        var sip = SipUdpCall.Invite(
            agent,
            request.AgentId,
            $"sip:{request.Destination}@{fs}",
            // The From user is what FreeSWITCH makes the caller id (CDRs, the callee's display): the agent id itself.
            // X-PbxBridge-Agent is what tells the dialplan the caller is an agent.
            $"\"{display}\" <sip:{request.AgentId}@{local}>",
            $"<sip:{request.Destination}@{fs}>",
            request.Media.LocalRtp,
            [new("X-PbxBridge-Agent", request.AgentId), new("X-PbxBridge-Call-Id", request.CallId)],
            leg);
        var channel = new FreeSwitchChannel(this, _options.Context, sip, leg.Relay, request.CallId);
        leg.Channel = channel;
        Track(channel, leg.OnChannelGone);
        _byBridgeCallId[request.CallId] = channel;
        LogPlacing(_logger, request.CallId, request.AgentId, request.Destination, sip.CallId);
        sip.Start();

        try
        {
            await leg.Placed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await leg.HangupAsync(PbxCause.OriginatorCancel, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return leg;
    }

    async Task<string> IFreeSwitchApi.ApiAsync(string command, CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null || !connection.IsConnected)
        {
            throw new InvalidOperationException("FreeSWITCH event socket is not connected");
        }

        return await connection.ApiAsync(command, cancellationToken).ConfigureAwait(false);
    }

    async Task<string> IFreeSwitchApi.BgApiAsync(string command, CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null || !connection.IsConnected)
        {
            throw new InvalidOperationException("FreeSWITCH event socket is not connected");
        }

        return await connection.BgApiAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var channel in _ends.Keys)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await channel.Sip.HangupAsync(FreeSwitchHangupCause.ToReasonHeader(FreeSwitchHangupCause.FromName("SYSTEM_SHUTDOWN")), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _controlLoop.ConfigureAwait(false);
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_agent is not null)
        {
            await _agent.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Track(FreeSwitchChannel channel, Action<PbxCause> end)
    {
        _bySipCallId[channel.Sip.CallId] = channel;
        _ends[channel] = end;
    }

    private void OnLegEnded(FreeSwitchOutboundLeg leg) => Forget(leg.Channel);

    private void OnInboundEnded(FreeSwitchInboundCall call) => Forget(call.Channel);

    private void Forget(FreeSwitchChannel channel)
    {
        _ends.TryRemove(channel, out _);
        _bySipCallId.TryRemove(new KeyValuePair<string, FreeSwitchChannel>(channel.Sip.CallId, channel));
        if (channel.BridgeCallId is { } bridgeCallId)
        {
            _byBridgeCallId.TryRemove(new KeyValuePair<string, FreeSwitchChannel>(bridgeCallId, channel));
        }

        if (channel.UniqueId is { } uuid)
        {
            // Late events (HANGUP_COMPLETE after BYE) still find the channel for a little while.
            _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(_ => _byUniqueId.TryRemove(new KeyValuePair<string, FreeSwitchChannel>(uuid, channel)), TaskScheduler.Default);
        }
    }

    /// <summary>Runs inside the SIP core's section: the call is accepted there, the Calls room hears of it after.</summary>
    private void OnIncomingInvite(SipRequest invite, InviteServerTransaction transaction)
    {
        var agent = _agent!;
        var agentId = FreeSwitchInboundCall.ParseAgentId(invite);
        if (agentId is null)
        {
            var notFound = SipResponse.For(invite, 404, "Not Found", SipCore.NewTag());
            notFound.Headers.Add(SipHeaderNames.Reason, FreeSwitchHangupCause.ToReasonHeader(PbxCause.Unallocated));
            agent.Respond(transaction, notFound);
            return;
        }

        var call = new FreeSwitchInboundCall(invite, agentId, OnInboundEnded);
        var sip = SipUdpCall.Accept(agent, invite, transaction, agentId, call);
        var channel = new FreeSwitchChannel(this, _options.Context, sip, call.Relay, null);
        call.Channel = channel;
        Track(channel, call.OnChannelGone);
        LogInbound(_logger, agentId, call.CallerNumber, sip.CallId);
        agent.Core.Post(() =>
        {
            try
            {
                _inbound!.OnInboundCall(call);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                LogInboundHandlerFailed(_logger, sip.CallId, e.Message);
                _ = call.RejectAsync(PbxCause.NormalTemporaryFailure, CancellationToken.None);
            }
        });
    }

    private async Task ControlLoopAsync(TaskCompletionSource firstAttempt)
    {
        var backoff = new PbxReconnectBackoff(TimeSpan.FromMilliseconds(500), _options.ReconnectMaxDelay);
        var connectedBefore = false;
        while (!_stop.IsCancellationRequested)
        {
            EslConnection? connection = null;
            try
            {
                connection = await EslConnection.ConnectAsync(_options.EslHost, _options.EslPort, _options.EslPassword, _logger, _stop.Token).ConfigureAwait(false);
                await connection.SubscribeJsonAsync(SubscribedEvents, _stop.Token).ConfigureAwait(false);
                _connection = connection;
                LastControlError = null;
                backoff.Reset();
                if (connectedBefore)
                {
                    Interlocked.Increment(ref _reconnects);
                }

                connectedBefore = true;
                LogConnected(_logger, _options.EslHost, _options.EslPort);
                _inbound?.OnControlConnectionChanged(true);
                firstAttempt.TrySetResult();
                _ = ReconcileAsync(connection);
                _ = PublishAgentIdsAsync(connection);
                await foreach (var e in connection.Events.ReadAllAsync(_stop.Token).ConfigureAwait(false))
                {
                    OnEvent(e);
                }

                LogDisconnected(_logger, await connection.Closed.ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (EslAuthenticationException e)
            {
                LastControlError = e.Rejection switch
                {
                    EslRejection.AccessDenied => "ACL rejection: " + e.Message,
                    EslRejection.BadPassword => "bad password: " + e.Message,
                    _ => e.Message,
                };
                LogAuthFailed(_logger, e.Rejection.ToString(), e.Message);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or EslCommandException or EslProtocolException)
            {
                LastControlError = $"FreeSWITCH event socket {_options.EslHost}:{_options.EslPort} unreachable: {e.Message}";
                LogConnectFailed(_logger, _options.EslHost, _options.EslPort, e.Message);
            }
            finally
            {
                if (connection is not null)
                {
                    if (ReferenceEquals(_connection, connection))
                    {
                        _connection = null;
                        _inbound?.OnControlConnectionChanged(false);
                    }

                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            firstAttempt.TrySetResult();
            try
            {
                await Task.Delay(backoff.Next(), _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        firstAttempt.TrySetResult();
    }

    private void OnEvent(EslEvent e)
    {
        var uuid = e.UniqueId;
        if (uuid is null)
        {
            return;
        }

        var channel = Correlate(e, uuid);

        switch (e.Name)
        {
            case "CHANNEL_BRIDGE":
                var a = e.GetHeader("Bridge-A-Unique-ID");
                var b = e.GetHeader("Bridge-B-Unique-ID");
                if (a is not null && b is not null)
                {
                    if (_byUniqueId.TryGetValue(a, out var left))
                    {
                        left.PartnerUniqueId = b;
                    }

                    if (_byUniqueId.TryGetValue(b, out var right))
                    {
                        right.PartnerUniqueId = a;
                    }
                }

                break;
            case "CHANNEL_UNBRIDGE" when channel is not null:
                channel.PartnerUniqueId = null;
                break;
            case "CHANNEL_HANGUP_COMPLETE" when channel is not null:
                var cause = FreeSwitchHangupCause.FromName(e.GetHeader("Hangup-Cause") ?? "NORMAL_CLEARING");
                channel.HangupCause = cause;
                if (_ends.TryGetValue(channel, out var end))
                {
                    // FreeSWITCH's BYE normally arrives first; if it was lost, end our side after the retransmission window.
                    _ = Task.Delay(_timers.TimerB, _time).ContinueWith(_ => end(cause), TaskScheduler.Default);
                }

                break;
            default:
                break;
        }
    }

    private FreeSwitchChannel? Correlate(EslEvent e, string uuid)
    {
        if (_byUniqueId.TryGetValue(uuid, out var known))
        {
            return known;
        }

        FreeSwitchChannel? channel = null;
        if (e.GetVariable("sip_call_id") is { } sipCallId)
        {
            _bySipCallId.TryGetValue(sipCallId, out channel);
        }

        // Only on a channel PbxBridge placed (inbound to FreeSWITCH): mod_sofia copies a channel's sip_h_X-* headers to
        // the legs it bridges to, so the pbxbridge-profile leg the dialplan opens toward another agent (or toward
        // PbxBridge first, from-pbxbridge) carries the caller's X-PbxBridge-Call-Id too, and must not be taken for it.
        if (channel is null && e.GetHeader("Call-Direction") == "inbound" && e.GetVariable("sip_h_X-PbxBridge-Call-Id") is { } bridgeCallId)
        {
            _byBridgeCallId.TryGetValue(bridgeCallId, out channel);
        }

        if (channel is not null)
        {
            channel.UniqueId ??= uuid;
            _byUniqueId[uuid] = channel;
            if (e.GetHeader("Other-Leg-Unique-ID") is { } other && e.Name == "CHANNEL_BRIDGE")
            {
                channel.PartnerUniqueId = other;
            }
        }

        return channel;
    }

    /// <summary>
    /// After (re)connecting: our legs FreeSWITCH no longer has are ended; pbxbridge-profile channels of this node that
    /// belong to no live call of ours (their sip_call_id is unknown to us) are killed, so nothing leaks across an outage.
    /// Channels of other nodes in front of the same FreeSWITCH (<see cref="IsThisNodesAsync"/>) are never touched.
    /// </summary>
    private async Task ReconcileAsync(EslConnection connection)
    {
        try
        {
            var json = await connection.ApiAsync("show channels as json", _stop.Token).ConfigureAwait(false);
            var present = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var document = JsonDocument.Parse(json))
            {
                if (document.RootElement.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Array)
                {
                    foreach (var row in rows.EnumerateArray())
                    {
                        if (row.TryGetProperty("uuid", out var u) && u.GetString() is { } uuid && row.TryGetProperty("name", out var n)
                            && n.GetString() is { } name && name.StartsWith("sofia/pbxbridge/", StringComparison.Ordinal))
                        {
                            present[uuid] = name;
                        }
                    }
                }
            }

            foreach (var (uuid, name) in present)
            {
                if (_byUniqueId.ContainsKey(uuid))
                {
                    continue;
                }

                var sipCallId = (await connection.ApiAsync($"uuid_getvar {uuid} sip_call_id", _stop.Token).ConfigureAwait(false)).Trim();
                if (_bySipCallId.TryGetValue(sipCallId, out var ours))
                {
                    ours.UniqueId ??= uuid;
                    _byUniqueId[uuid] = ours;
                    continue;
                }

                if (!await IsThisNodesAsync(connection, uuid, name).ConfigureAwait(false))
                {
                    continue;
                }

                LogKillingOrphan(_logger, uuid, sipCallId);
                await connection.ApiAsync($"uuid_kill {uuid} NORMAL_CLEARING", _stop.Token).ConfigureAwait(false);
            }

            foreach (var pair in _ends)
            {
                if (pair.Key.UniqueId is { } uuid && !present.ContainsKey(uuid))
                {
                    pair.Value(pair.Key.HangupCause ?? PbxCause.NormalClearing);
                }
            }
        }
        catch (Exception e) when (e is IOException or JsonException or OperationCanceledException or InvalidOperationException)
        {
            LogReconcileFailed(_logger, e.Message);
        }
    }

    /// <summary>
    /// Whether a pbxbridge-profile channel is a leg of this node's SIP user agent: FreeSWITCH's legs toward it are named
    /// after the address they were sent to (sofia/pbxbridge/agent-1001@ip:port), and the legs it sent have it as their
    /// sip_network_ip / sip_network_port (where the INVITE came from).
    /// </summary>
    private async Task<bool> IsThisNodesAsync(EslConnection connection, string uuid, string name)
    {
        if (LocationValue is not { } here || name.EndsWith("@" + here, StringComparison.Ordinal))
        {
            return true;
        }

        var ip = (await connection.ApiAsync($"uuid_getvar {uuid} sip_network_ip", _stop.Token).ConfigureAwait(false)).Trim();
        var port = (await connection.ApiAsync($"uuid_getvar {uuid} sip_network_port", _stop.Token).ConfigureAwait(false)).Trim();
        return port == _agent!.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && (ip == _options.LocalSipAddress || IPAddress.Parse(_options.LocalSipAddress).Equals(IPAddress.Any));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "FreeSWITCH event socket connected at {Host}:{Port}")]
    private static partial void LogConnected(ILogger logger, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH event socket lost ({Reason}); calls keep their SIP and RTP, reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "FreeSWITCH event socket refused us ({Rejection}): {Message}")]
    private static partial void LogAuthFailed(ILogger logger, string rejection, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH event socket {Host}:{Port} unreachable: {Message}")]
    private static partial void LogConnectFailed(ILogger logger, string host, int port, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: agent {AgentId} dials {Destination} (SIP Call-ID {SipCallId})")]
    private static partial void LogPlacing(ILogger logger, string callId, string agentId, string destination, string sipCallId);

    [LoggerMessage(Level = LogLevel.Information, Message = "FreeSWITCH calls agent {AgentId} from {Caller} (SIP Call-ID {SipCallId})")]
    private static partial void LogInbound(ILogger logger, string agentId, string caller, string sipCallId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound call {SipCallId} refused by the call handler: {Message}")]
    private static partial void LogInboundHandlerFailed(ILogger logger, string sipCallId, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH channel {Uuid} (sip_call_id {SipCallId}) belongs to no PbxBridge call: uuid_kill")]
    private static partial void LogKillingOrphan(ILogger logger, string uuid, string sipCallId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling calls with FreeSWITCH failed: {Message}")]
    private static partial void LogReconcileFailed(ILogger logger, string message);
}
