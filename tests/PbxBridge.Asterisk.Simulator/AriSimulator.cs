using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// An in-process ARI (Asterisk 22.10.1) on 127.0.0.1 for contract and browser tests: REST + events WebSocket with the
/// recorded JSON shapes, event order, error statuses and bodies; externalMedia channels with real RTP (1004 Hz tone,
/// echo, strictrtp source locking); faults on demand; and a count of what is left over.
/// <code>await using var sim = await AriSimulator.StartAsync(new AriSimulatorOptions());</code>
/// </summary>
public sealed partial class AriSimulator : IAsyncDisposable
{
    private readonly AriSimulatorOptions _options;
    private readonly object _gate = new();
    private readonly Dictionary<string, SimChannel> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimBridge> _bridges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimEventConnection> _connections = new(StringComparer.Ordinal);
    private readonly HashSet<string> _registeredApps = new(StringComparer.Ordinal);
    private readonly List<InjectedFault> _faults = [];
    private readonly Dictionary<string, string> _continuedTo = new(StringComparer.Ordinal);
    private readonly List<string> _holdRequests = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly long _epoch = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private readonly List<Task> _background = [];
    private readonly SimToneClock _toneClock = new();
    private WebApplication? _app;
    private int _nextUniqueId;
    private int _nextLocal;
    private int _eventConnectionsAccepted;

    private AriSimulator(AriSimulatorOptions options) => _options = options;

    /// <summary>http://127.0.0.1:PORT (no /ari): what Pbx:Asterisk:Url takes.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    public string User => _options.User;

    public string Password => _options.Password;

    /// <summary>When true every request answers 503 "Asterisk not booted" (as right after a core restart).</summary>
    public bool Booting { get; set; }

    /// <summary>
    /// When false, /ari/... answers the HTTP server's HTML 404 page, as Asterisk does when res_ari (or a module it
    /// needs) is not loaded, e.g. with autoload = no and an incomplete module list.
    /// </summary>
    public bool AriLoaded { get; set; } = true;

    public int ChannelCount
    {
        get
        {
            lock (_gate)
            {
                return _channels.Count;
            }
        }
    }

    public int BridgeCount
    {
        get
        {
            lock (_gate)
            {
                return _bridges.Count;
            }
        }
    }

    public IReadOnlyList<string> ChannelIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _channels.Keys];
            }
        }
    }

    public IReadOnlyList<string> BridgeIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _bridges.Keys];
            }
        }
    }

    /// <summary>Events WebSockets accepted so far (a reconnect adds one).</summary>
    public int EventConnectionsAccepted => Volatile.Read(ref _eventConnectionsAccepted);

    public bool IsEventSocketConnected(string app = "pbxbridge")
    {
        lock (_gate)
        {
            return _connections.ContainsKey(app);
        }
    }

    public static async Task<AriSimulator> StartAsync(AriSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var sim = new AriSimulator(options ?? new AriSimulatorOptions());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, sim._options.Port));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(sim.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sim.Url = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        sim._app = app;
        return sim;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        List<SimRtpEndpoint> rtp;
        lock (_gate)
        {
            rtp = [.. _channels.Values.Select(c => c.Rtp).OfType<SimRtpEndpoint>()];
            foreach (var connection in _connections.Values)
            {
                connection.Abort();
            }
        }

        foreach (var endpoint in rtp)
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }

        await _toneClock.DisposeAsync().ConfigureAwait(false);

        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    // ---------------- test controls ----------------

    /// <summary>
    /// The next <paramref name="times"/> requests of <paramref name="method"/> on <paramref name="path"/> (after /ari; "*" matches
    /// one segment, e.g. "/bridges/*/addChannel") answer <paramref name="status"/> with {"message": ...}.
    /// </summary>
    public void FailNext(string method, string path, int status, string message = "An internal error prevented this request from being handled", int times = 1)
    {
        lock (_gate)
        {
            _faults.Add(new InjectedFault(method, path, status, message, times));
        }
    }

    /// <summary>Drop every events WebSocket without a close frame (the client sees 1006), Asterisk staying up.</summary>
    public void DropEventConnections()
    {
        lock (_gate)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Abort();
            }

            _connections.Clear();
        }
    }

    /// <summary>
    /// A call from the PBX for an agent, as the shipped dialplan sends it: Stasis(app,agent=ID). The caller plays the
    /// 1004 Hz tone once bridged (or echoes). Returns the channel id.
    /// </summary>
    public string InjectInboundCall(string agentId, string callerNumber = "5551234", string callerName = "Customer", FarBehaviour behaviour = FarBehaviour.Tone, string app = "pbxbridge")
    {
        lock (_gate)
        {
            var local = Interlocked.Increment(ref _nextLocal);
            var channel = new SimChannel
            {
                Id = NewUniqueId(),
                Name = $"Local/{agentId}@pbxbridge-agents-{local:x8};2",
                State = "Ring",
                CallerName = callerName,
                CallerNumber = callerNumber,
                ConnectedName = callerName,
                ConnectedNumber = callerNumber,
                Context = "pbxbridge-agents",
                Exten = agentId,
                Priority = 2,
                AppName = "Stasis",
                AppData = $"{app},agent={agentId}",
                FromDialplan = true,
                Behaviour = behaviour,
                InStasis = true,
                Subscriber = app,
            };
            channel.Variables["STASISSTATUS"] = "";
            _channels[channel.Id] = channel;
            App = app;
            Emit(AriShapes.Event("StasisStart", app, trailing: new JsonObject
            {
                ["args"] = new JsonArray($"agent={agentId}"),
                ["channel"] = AriShapes.Channel(channel),
            }));
            return channel.Id;
        }
    }

    /// <summary>The far party hangs up (the dialplan's Hangup(cause), or the caller puts the phone down).</summary>
    public void HangupFromPbx(string channelId, int cause = 16)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(channelId, out var channel))
            {
                throw new InvalidOperationException($"no channel {channelId}");
            }

            if (channel.OtherHalf is { } half)
            {
                // Recorded order (exten 603): request on ;2 (soft), request on ;1, ;2 destroyed, then ;1 leaves.
                EvHangupRequest(half, cause, soft: true);
                EvHangupRequest(channel, cause, soft: false);
                EvDestroyed(half, cause);
                Remove(half);
                channel.OtherHalf = null;
            }
            else
            {
                EvHangupRequest(channel, cause, soft: false);
            }

            DestroyLocked(channel, cause, softCause: null);
        }
    }

    /// <summary>The far party pressed a key.</summary>
    public void SendDtmfFromFar(string channelId, char digit, int durationMs = 100)
    {
        lock (_gate)
        {
            var channel = _channels[channelId];
            Emit(AriShapes.Event("ChannelDtmfReceived", channel.Subscriber ?? App, trailing: new JsonObject
            {
                ["digit"] = digit.ToString(),
                ["duration_ms"] = durationMs,
                ["channel"] = AriShapes.Channel(channel),
            }));
        }
    }

    /// <summary>
    /// The far party's device holds (<paramref name="held"/>) or resumes: ChannelHold / ChannelUnhold as the ARI events
    /// model defines them (a res_pjsip channel publishes them; no channel driver here does, so this is not recorded).
    /// </summary>
    public void HoldFromFar(string channelId, bool held)
    {
        lock (_gate)
        {
            var channel = _channels[channelId];
            Emit(held
                ? AriShapes.Event("ChannelHold", channel.Subscriber ?? App, new JsonObject { ["musicclass"] = "default" }, new JsonObject { ["channel"] = AriShapes.Channel(channel) })
                : AriShapes.Event("ChannelUnhold", channel.Subscriber ?? App, trailing: new JsonObject { ["channel"] = AriShapes.Channel(channel) }));
        }
    }

    public SimRtpEndpoint? RtpOf(string channelId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId, out var c) ? c.Rtp : null;
        }
    }

    /// <summary>
    /// The RTP endpoint of the externalMedia channel sharing a bridge with the channel whose caller number is
    /// <paramref name="callerNumber"/> (PbxBridge originates an agent's call with the agent id as caller number), or
    /// null while there is none.
    /// </summary>
    public SimRtpEndpoint? ExternalMediaBridgedWithCaller(string callerNumber)
    {
        lock (_gate)
        {
            foreach (var channel in _channels.Values)
            {
                if (channel.CallerNumber != callerNumber || channel.Rtp is not null || channel.Bridge is not { } bridge)
                {
                    continue;
                }

                foreach (var id in bridge.ChannelIds)
                {
                    if (_channels.TryGetValue(id, out var peer) && peer.Rtp is { } rtp)
                    {
                        return rtp;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>The first live externalMedia channel's RTP endpoint (most tests have one call).</summary>
    public SimRtpEndpoint? FirstExternalMedia()
    {
        lock (_gate)
        {
            return _channels.Values.Select(c => c.Rtp).OfType<SimRtpEndpoint>().FirstOrDefault();
        }
    }

    public IReadOnlyList<string> DtmfSentTo(string channelId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId, out var c) ? [.. c.DtmfReceivedFromApp] : [];
        }
    }

    /// <summary>
    /// Every hold and music-on-hold request so far, in order, as Asterisk receives it ("POST /channels/ID/moh",
    /// "DELETE /channels/ID/moh", "POST /channels/ID/hold", ...): a hold then a resume leaves both in the record.
    /// </summary>
    public IReadOnlyList<string> HoldRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _holdRequests];
            }
        }
    }

    public bool HasMusicOnHold(string channelId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId, out var c) && c.MusicOnHold;
        }
    }

    public bool RingingIndicated(string channelId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId, out var c) && c.RingingIndicated;
        }
    }

    public string? StateOf(string channelId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId, out var c) ? c.State : null;
        }
    }

    /// <summary>The channel is in a Stasis app (StasisStart sent, no StasisEnd yet).</summary>
    public bool IsInStasis(string channelId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId, out var c) && c.InStasis;
        }
    }

    public string? BridgeOf(string channelId)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId, out var c) ? c.Bridge?.Id : null;
        }
    }

    /// <summary>Where /continue or /redirect sent a channel ("context,exten,priority" or the endpoint).</summary>
    public string? ContinuedTo(string channelId)
    {
        lock (_gate)
        {
            return _continuedTo.GetValueOrDefault(channelId);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polling; the simulator is event driven but tests read state).</summary>
    public async Task<bool> WaitUntilAsync(Func<AriSimulator, bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition(this))
            {
                return true;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        return condition(this);
    }

    private string App { get; set; } = "pbxbridge";

    private string NewUniqueId() => $"{_epoch}.{Interlocked.Increment(ref _nextUniqueId) - 1}";

    private void Emit(JsonObject ariEvent)
    {
        var app = ariEvent["application"]?.GetValue<string>() ?? App;
        if (_connections.TryGetValue(app, out var connection))
        {
            connection.Enqueue(ariEvent.ToJsonString(AriShapes.Json));
        }
    }

    private void RunLater(TimeSpan delay, Action action)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
                action();
            }
            catch (OperationCanceledException)
            {
                // Simulator stopped.
            }
        });
        lock (_background)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
    }

    private static string Q(HttpRequest request, string name) => request.Query[name].ToString();

    private static bool HasQ(HttpRequest request, string name) => request.Query.ContainsKey(name) && request.Query[name].ToString().Length > 0;

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.Server = "Asterisk";
        await context.Response.WriteAsync(body.ToJsonString(AriShapes.Json), Encoding.UTF8).ConfigureAwait(false);
    }

    private static Task NoContent(HttpContext context)
    {
        context.Response.StatusCode = 204;
        context.Response.Headers.Server = "Asterisk";
        return Task.CompletedTask;
    }

    private static Task Error(HttpContext context, int status, string message) => WriteJsonAsync(context, status, AriShapes.Message(message));

    private bool Authorized(HttpRequest request)
    {
        var apiKey = request.Query["api_key"].ToString();
        if (apiKey.Length > 0)
        {
            return apiKey == $"{_options.User}:{_options.Password}";
        }

        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
            return decoded == $"{_options.User}:{_options.Password}";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
