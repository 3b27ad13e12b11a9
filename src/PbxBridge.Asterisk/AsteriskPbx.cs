using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Ari.Events;
using PbxBridge.Asterisk.Ari.Models;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// IPbx over ARI. Outbound: externalMedia toward PbxBridge's RTP socket + a mixing bridge + the dialed number created
/// through <see cref="AsteriskOptions.DialTemplate"/> in our app with formats=&lt;externalMedia format&gt;, bridged,
/// then dialed (so early media reaches the agent).
/// Inbound: the dialplan's Stasis(app,agent=ID) becomes an <see cref="InboundPbxCall"/>. Every id we choose starts with
/// "{app}-", so a reconnect (or the next start after a crash) can find and delete what nobody owns any more.
/// </summary>
public sealed partial class AsteriskPbx : IPbx, IPbxDoctor, IAriEventHandler
{
    private readonly ChannelOwners _byChannel = new();
    private readonly ConcurrentDictionary<string, AsteriskCall> _calls = new(StringComparer.Ordinal);
    private readonly AriEventStream _events;
    private readonly AsteriskDoctor _doctor;
    private readonly CancellationTokenSource _stopLeases = new();
    private IPbxInboundHandler? _inbound;
    private long _reconciledLeftovers;

    public AsteriskPbx(AsteriskOptions options, ILogger<AsteriskPbx>? logger = null, HttpMessageHandler? httpHandler = null, PbxReconnectBackoff? backoff = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        Options = options;
        Logger = (ILogger?)logger ?? NullLogger.Instance;
        Client = new AriClient(options, httpHandler);
        _events = new AriEventStream(options, this, Logger, backoff, Client);
        _doctor = new AsteriskDoctor(options, Client);
        Codec = ExternalMediaFormat.CodecFor(options.Format);
    }

    public string Kind => "Asterisk";

    public bool IsControlConnected => _events.IsConnected;

    public AsteriskOptions Options { get; }

    /// <summary>The codec of the externalMedia channels (from <see cref="AsteriskOptions.Format"/>).</summary>
    public PbxCodec Codec { get; }

    /// <summary>Calls in progress (for admin views and tests).</summary>
    public int ActiveCalls => _calls.Count;

    /// <summary>Channels and bridges deleted by reconciliation because no call owned them.</summary>
    public long ReconciledLeftovers => Interlocked.Read(ref _reconciledLeftovers);

    /// <summary>The events stream (connect count, malformed-message counter) for health and tests.</summary>
    public AriEventStream Events => _events;

    internal AriClient Client { get; }

    internal ILogger Logger { get; }

    private string Prefix => Options.Application + "-";

    public Task StartAsync(IPbxInboundHandler inbound, CancellationToken cancellationToken)
    {
        _inbound = inbound ?? throw new ArgumentNullException(nameof(inbound));
        StartLeases(_stopLeases.Token);
        return _events.StartAsync(cancellationToken);
    }

    public Task<IReadOnlyList<DoctorCheck>> CheckAsync(CancellationToken cancellationToken) => _doctor.CheckAsync(cancellationToken);

    public async Task<IPbxLeg> PlaceCallAsync(OutboundCallRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsDialableNumber(request.Destination))
        {
            throw new PbxCallFailedException(PbxCause.Unallocated, $"'{request.Destination}' is not a number PbxBridge dials (0-9 A-Z a-z * # + . _ - only)");
        }

        var key = NewKey();
        var call = new AsteriskCall(this, key, key + "-far", inbound: false, request.Observer) { OtherHalfId = key + "-far2" };

        // Registered before the first request: Asterisk's events can overtake the REST response that caused them.
        Register(call, call.FarChannelId, call.OtherHalfId!, call.ExternalMediaChannelId);
        try
        {
            // The externalMedia channel is the agent: its caller id is what bridging it with the far channel gives
            // that channel as connected line, and a Local channel's ;2 half takes its caller id from there (recorded:
            // an externalMedia without one made an agent dialing another agent arrive as anonymous).
            var callerId = CallerIdFor(request.AgentDisplayName, request.AgentId);
            var remote = await CreateMediaAsync(call, request.Media, cancellationToken, callerId).ConfigureAwait(false);
            ThrowIfEnded(call);
            call.RaiseMediaReady(remote, request.Media.Codec);

            // Created into the app and bridged before it is dialed: whatever the far end plays before answering
            // (Progress() and a tone or an announcement, a ringback) reaches the agent as early media. An originated
            // channel would enter Stasis, and the bridge, only once answered.
            var endpoint = Options.DialTemplate.Replace("{number}", request.Destination, StringComparison.Ordinal);
            var create = new CreateChannelRequest(endpoint, Options.Application)
            {
                AppArgs = "outbound",
                ChannelId = call.FarChannelId,
                OtherChannelId = call.OtherHalfId,
                Formats = ExternalMediaFormat.For(request.Media.Codec),
                Variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["CALLERID(all)"] = callerId, ["CONNECTEDLINE(all)"] = callerId },
            };
            call.FarCreated = true;
            await Client.CreateChannelAsync(create, cancellationToken).ConfigureAwait(false);
            call.FarConfirmedAt = Stopwatch.GetTimestamp();
            await call.WaitForFarInStasisAsync(ExternalMediaStasisTimeout, cancellationToken).ConfigureAwait(false);
            ThrowIfEnded(call);
            await Client.AddChannelAsync(call.BridgeId, [call.FarChannelId], cancellationToken).ConfigureAwait(false);
            ThrowIfEnded(call);
            await Client.DialAsync(call.FarChannelId, DialTimeoutSeconds, cancellationToken).ConfigureAwait(false);
            ThrowIfEnded(call);
            Lease(call);
            LogPlaced(Logger, request.CallId, key, endpoint);
            return new AsteriskOutboundLeg(call);
        }
        catch (Exception e) when (e is AriException or HttpRequestException or OperationCanceledException)
        {
            var cause = e is AriException { Status: HttpStatusCode.ServiceUnavailable } ? PbxCause.Congestion : PbxCause.NormalTemporaryFailure;
            call.End(cause, "setup failed: " + e.Message);
            await call.Cleanup.ConfigureAwait(false);
            throw new PbxCallFailedException(cause, $"Asterisk refused the call to '{request.Destination}': {e.Message}", e);
        }
        catch (PbxCallFailedException)
        {
            await call.Cleanup.ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>externalMedia toward <paramref name="media"/>, the mixing bridge, and Asterisk's RTP address.</summary>
    internal async Task<IPEndPoint> CreateMediaAsync(AsteriskCall call, PbxMediaOffer media, CancellationToken cancellationToken, string? callerId = null)
    {
        var format = ExternalMediaFormat.For(media.Codec);
        call.MediaFormat = format;
        call.ExternalMediaCreated = true;
        var channel = await Client.CreateExternalMediaAsync(
            new ExternalMediaRequest(Options.Application, media.LocalRtp.ToString(), format, call.ExternalMediaChannelId)
            {
                Variables = callerId is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["CALLERID(all)"] = callerId },
            },
            cancellationToken).ConfigureAwait(false);
        call.MediaConfirmedAt = Stopwatch.GetTimestamp();
        var remote = await ExternalMediaAddress.ReadAsync(Client, channel, cancellationToken).ConfigureAwait(false);
        ThrowIfEnded(call);
        call.BridgeCreated = true;
        await Client.CreateBridgeAsync("mixing", call.BridgeId, call.BridgeId, cancellationToken).ConfigureAwait(false);
        await call.WaitForExternalMediaInStasisAsync(ExternalMediaStasisTimeout, cancellationToken).ConfigureAwait(false);
        ThrowIfEnded(call);
        await Client.AddChannelAsync(call.BridgeId, [call.ExternalMediaChannelId], cancellationToken).ConfigureAwait(false);
        Lease(call);
        return remote;
    }

    /// <summary>How long the far end may ring before Asterisk gives up (cause 19, no answer).</summary>
    private const int DialTimeoutSeconds = 60;

    /// <summary>How long an externalMedia channel may take to enter Stasis (milliseconds on a healthy Asterisk).</summary>
    internal TimeSpan ExternalMediaStasisTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Numbers and simple names only: the value goes into a dial string and a dialplan extension.</summary>
    public static bool IsDialableNumber(string destination)
    {
        if (string.IsNullOrEmpty(destination) || destination.Length > 64)
        {
            return false;
        }

        foreach (var c in destination)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('*' or '#' or '+' or '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        // PbxBridge shutdown: nothing of ours may stay in Asterisk.
        var cleanups = new List<Task>();
        foreach (var call in _calls.Values)
        {
            call.End(PbxCause.NormalClearing, "PbxBridge shutting down", hangupFar: true);
            cleanups.Add(call.Cleanup);
        }

        try
        {
            await Task.WhenAll(cleanups).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogShutdownCleanupSlow(Logger);
        }

        await _stopLeases.CancelAsync().ConfigureAwait(false);
        if (_leases is not null)
        {
            await _leases.ConfigureAwait(false);
        }

        _stopLeases.Dispose();
        await _events.DisposeAsync().ConfigureAwait(false);
        Client.Dispose();
    }

    // ---------------- IAriEventHandler ----------------

    Task IAriEventHandler.OnConnectedAsync(CancellationToken cancellationToken)
    {
        _inbound?.OnControlConnectionChanged(true);

        // In the background: events keep flowing meanwhile, and an event already queued (a ChannelDestroyed with the
        // real cause) must win over the reconciliation's guess.
        _ = RunAsync(() => ReconcileAsync(cancellationToken), "reconcile after connect");
        return Task.CompletedTask;
    }

    void IAriEventHandler.OnDisconnected(string reason)
    {
        LogDisconnected(Logger, reason);
        _inbound?.OnControlConnectionChanged(false);
    }

    void IAriEventHandler.OnEvent(AriEvent ariEvent)
    {
        switch (ariEvent)
        {
            case ChannelEvent channelEvent when OnHoldSourceEvent(channelEvent):
                break;
            case ChannelEvent channelEvent:
                var owners = _byChannel.Of(channelEvent.Channel.Id);
                foreach (var call in owners)
                {
                    call.OnEvent(ariEvent);
                }

                if (ariEvent is StasisStart start)
                {
                    // Routed by its args first: the dialplan's Stasis(app,agent=ID) is a call to that agent even on a
                    // channel we created ourselves, the ;2 half of an agent's own Local channel dialing another agent.
                    if (InboundArgs.AgentId(start.Args) is { } agentId)
                    {
                        OnInboundStasisStart(start, agentId);
                    }
                    else if (owners.Count == 0)
                    {
                        OnUnknownStasisStart(start);
                    }
                }

                break;
            case Dial dial:
                foreach (var dialed in _byChannel.Of(dial.Peer.Id))
                {
                    dialed.OnEvent(dial);
                }

                break;
            case BridgeDestroyed destroyed:
                if (_calls.TryGetValue(destroyed.Bridge.Id, out var owner))
                {
                    owner.OnEvent(destroyed);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>A channel without agent=ID args that no call owns entered the app.</summary>
    private void OnUnknownStasisStart(StasisStart start)
    {
        var channel = start.Channel;
        if (channel.Id.StartsWith(Prefix, StringComparison.Ordinal))
        {
            // One of our ids that no call owns (its setup already failed): delete it rather than leak it.
            _ = RunAsync(() => DeleteLeftoverChannelAsync(channel.Id), "delete orphan " + channel.Id);
            return;
        }

        LogNoAgent(Logger, channel.Id, string.Join(',', start.Args));
        _ = RunAsync(() => Client.ContinueInDialplanAsync(channel.Id, null, null, null, CancellationToken.None), "return " + channel.Id + " to the dialplan");
    }

    /// <summary>Stasis(app,agent=ID): a new call to that browser agent.</summary>
    private void OnInboundStasisStart(StasisStart start, string agentId)
    {
        var channel = start.Channel;
        var call = new AsteriskCall(this, NewKey(), channel.Id, inbound: true, observer: null)
        {
            FarCreated = true,
            FarConfirmedAt = Stopwatch.GetTimestamp(),
            FarChannelName = channel.Name,
        };
        Register(call, call.FarChannelId, call.ExternalMediaChannelId);
        var inboundCall = new AsteriskInboundCall(call, this, agentId, channel.Caller.Number, channel.Caller.Name);
        LogInbound(Logger, channel.Id, agentId, channel.Caller.Number);
        if (_inbound is null)
        {
            call.End(PbxCause.SubscriberAbsent, "no inbound handler", hangupFar: true);
            return;
        }

        try
        {
            _inbound.OnInboundCall(inboundCall);
        }
        catch (Exception e)
        {
            LogHandlerFailed(Logger, e);
            call.End(PbxCause.NormalTemporaryFailure, "inbound handler failed", hangupFar: true);
        }
    }

    // ---------------- reconciliation ----------------

    /// <summary>
    /// After every (re)connect: delete "{app}-" channels and bridges no call owns and channels stuck in our app, and end
    /// calls whose channels Asterisk no longer has (it restarted: old ids answer 404).
    /// </summary>
    internal async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        List<Channel> channels;
        List<Bridge> bridges;
        Application? app = null;

        // Only channels Asterisk confirmed before this listing can be judged missing: a call in setup is not "vanished".
        var listedAt = Stopwatch.GetTimestamp();
        try
        {
            channels = await Client.ListChannelsAsync(cancellationToken).ConfigureAwait(false);
            bridges = await Client.ListBridgesAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                app = await Client.GetApplicationAsync(Options.Application, cancellationToken).ConfigureAwait(false);
            }
            catch (AriException e) when (e.IsNotFound)
            {
                // Not registered yet: nothing can be stuck in it.
            }
        }
        catch (Exception e) when (e is AriException or HttpRequestException or TaskCanceledException)
        {
            LogReconcileFailed(Logger, e.Message);
            return;
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        var untracked = new List<string>();
        foreach (var channel in channels)
        {
            present.Add(channel.Id);
            var ours = channel.Id.StartsWith(Prefix, StringComparison.Ordinal) || (app?.ChannelIds.Contains(channel.Id) ?? false);
            if (ours && !_byChannel.Contains(channel.Id) && !IsHoldSource(channel.Id))
            {
                untracked.Add(channel.Id);
            }
        }

        if (untracked.Count > 0)
        {
            // A call that entered Stasis just now is listed before its StasisStart reaches us: give the events that
            // are on their way a moment, and delete only what is still nobody's.
            await Task.Delay(ReconcileGrace, cancellationToken).ConfigureAwait(false);
            foreach (var channelId in untracked)
            {
                if (!_byChannel.Contains(channelId))
                {
                    await DeleteLeftoverChannelAsync(channelId).ConfigureAwait(false);
                }
            }
        }

        foreach (var bridge in bridges)
        {
            if (bridge.Id.StartsWith(Prefix, StringComparison.Ordinal) && !_calls.ContainsKey(bridge.Id))
            {
                await IgnoreErrorsAsync(() => Client.DestroyBridgeAsync(bridge.Id, CancellationToken.None)).ConfigureAwait(false);
                Interlocked.Increment(ref _reconciledLeftovers);
                LogLeftover(Logger, "bridge", bridge.Id);
            }
        }

        var vanished = new List<(AsteriskCall Call, bool FarGone)>();
        foreach (var call in _calls.Values)
        {
            if (call.IsEnded)
            {
                continue;
            }

            if (call.FarConfirmedAt is > 0 and var far && far < listedAt && !present.Contains(call.FarChannelId))
            {
                vanished.Add((call, true));
            }
            else if (call.MediaConfirmedAt is > 0 and var media && media < listedAt && !present.Contains(call.ExternalMediaChannelId))
            {
                vanished.Add((call, false));
            }
        }

        if (vanished.Count == 0)
        {
            return;
        }

        // Give events that were already on their way (with the real cause) a moment to be handled first.
        await Task.Delay(ReconcileGrace, cancellationToken).ConfigureAwait(false);
        foreach (var (call, farGone) in vanished)
        {
            call.End(
                PbxCause.NormalTemporaryFailure,
                farGone ? "far channel vanished while the events WebSocket was down" : "externalMedia channel vanished while the events WebSocket was down",
                hangupFar: !farGone);
        }
    }

    private static readonly TimeSpan ReconcileGrace = TimeSpan.FromMilliseconds(500);

    private async Task DeleteLeftoverChannelAsync(string channelId)
    {
        await IgnoreErrorsAsync(() => Client.HangupAsync(channelId, "normal", CancellationToken.None)).ConfigureAwait(false);
        Interlocked.Increment(ref _reconciledLeftovers);
        LogLeftover(Logger, "channel", channelId);
    }

    // ---------------- bookkeeping ----------------

    internal void Register(AsteriskCall call, params string[] channelIds)
    {
        _calls[call.Key] = call;
        foreach (var id in channelIds)
        {
            _byChannel.Add(id, call);
        }
    }

    /// <summary>
    /// An agent's hold on a call whose far end is another PbxBridge agent (agent to agent through the shipped dialplan:
    /// one agent's call owns the ;1 half of the Local channel, the other's call is the ;2 half in Stasis). Asterisk
    /// tells neither side about a hold through a Local channel (no ChannelHold, recorded: far-party-hold-through-local.jsonl),
    /// so the other call hears of it here, as a phone's hold would reach it through res_pjsip's ChannelHold.
    /// </summary>
    internal void TellLocalPeerOfHold(AsteriskCall holder, bool held)
    {
        foreach (var peer in _byChannel.Of(holder.FarChannelId))
        {
            if (peer != holder && peer.OtherHalfId == holder.FarChannelId)
            {
                peer.OnLocalPeerHold(held);
            }
        }

        if (holder.OtherHalfId is { } otherHalf)
        {
            foreach (var peer in _byChannel.Of(otherHalf))
            {
                if (peer != holder && peer.FarChannelId == otherHalf)
                {
                    peer.OnLocalPeerHold(held);
                }
            }
        }
    }

    internal void Unregister(AsteriskCall call, string channelId) => _byChannel.Remove(channelId, call);

    internal void Forget(AsteriskCall call)
    {
        _calls.TryRemove(new KeyValuePair<string, AsteriskCall>(call.Key, call));
        foreach (var id in new[] { call.FarChannelId, call.OtherHalfId, call.ExternalMediaChannelId }.Concat(call.TransferChannelIds))
        {
            if (id is not null)
            {
                _byChannel.Remove(id, call);
            }
        }
    }

    /// <summary>Runs ARI work off the events loop; failures are logged, never thrown into the loop.</summary>
    internal async Task RunAsync(Func<Task> work, string what)
    {
        try
        {
            await Task.Yield();
            await work().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogBackgroundFailed(Logger, what, e.Message);
        }
    }

    private static async Task IgnoreErrorsAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AriException or HttpRequestException or TaskCanceledException)
        {
            // Best effort: the next reconciliation tries again.
        }
    }

    private static void ThrowIfEnded(AsteriskCall call)
    {
        if (call.IsEnded)
        {
            throw new PbxCallFailedException(call.EndCause ?? PbxCause.NormalTemporaryFailure, "the Asterisk leg ended during setup");
        }
    }

    private string NewKey() => Prefix + Guid.NewGuid().ToString("N")[..12];

    private static string CallerIdFor(string displayName, string agentId)
    {
        var name = new string(displayName.Where(c => c is not ('"' or '<' or '>' or '\r' or '\n')).ToArray()).Trim();
        var number = new string(agentId.Where(char.IsAsciiLetterOrDigit).ToArray());
        return name.Length == 0 ? $"<{number}>" : $"\"{name}\" <{number}>";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: dialing {Endpoint} as {Key}")]
    private static partial void LogPlaced(ILogger logger, string callId, string key, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound Asterisk channel {Channel} for agent {Agent} from {Caller}")]
    private static partial void LogInbound(ILogger logger, string channel, string agent, string caller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel} entered Stasis without agent=<id> (args '{Args}'): returned to the dialplan")]
    private static partial void LogNoAgent(ILogger logger, string channel, string args);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted leftover {What} {Id} (no PbxBridge call owns it)")]
    private static partial void LogLeftover(ILogger logger, string what, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation failed: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ARI events WebSocket down: {Reason}; calls keep their media and are reconciled on reconnect")]
    private static partial void LogDisconnected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ARI work '{What}' failed: {Reason}")]
    private static partial void LogBackgroundFailed(ILogger logger, string what, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Inbound handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown: Asterisk cleanup did not finish within 5 s; the next start reconciles leftovers")]
    private static partial void LogShutdownCleanupSlow(ILogger logger);
}
