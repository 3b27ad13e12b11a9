using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>The simulator's REST resources, answering with the recorded statuses and bodies.</summary>
public sealed partial class AriSimulator
{
    private static readonly HashSet<string> KnownFormats = ["ulaw", "alaw", "slin", "slin16", "gsm", "g722", "opus"];
    private static readonly HashSet<string> RunningModules =
        ["chan_rtp.so", "app_stasis.so", "res_ari.so", "res_ari_channels.so", "res_ari_bridges.so", "res_ari_events.so", "res_ari_applications.so", "res_ari_asterisk.so", "res_stasis.so", "res_http_websocket.so", "bridge_simple.so", "bridge_softmix.so", "codec_ulaw.so"];

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (!path.StartsWith("/ari/", StringComparison.Ordinal) || !AriLoaded)
        {
            // Asterisk's HTTP server for a URL nothing is registered on (recorded, 22.10.1).
            context.Response.StatusCode = 404;
            context.Response.ContentType = "text/html";
            context.Response.Headers.Server = "Asterisk";
            await context.Response.WriteAsync(NotFoundPage).ConfigureAwait(false);
            return;
        }

        if (Booting)
        {
            await Error(context, 503, "Asterisk not booted").ConfigureAwait(false);
            return;
        }

        if (!Authorized(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Asterisk REST Interface\"";
            await Error(context, 401, "Authentication required").ConfigureAwait(false);
            return;
        }

        var resource = path[4..];
        if (resource == "/events")
        {
            await HandleEventsAsync(context).ConfigureAwait(false);
            return;
        }

        InjectedFault? fault;
        lock (_gate)
        {
            fault = _faults.FirstOrDefault(f => f.Matches(context.Request.Method, resource));
            if (fault is not null)
            {
                fault.Remaining--;
            }
        }

        if (fault is not null)
        {
            await Error(context, fault.Status, fault.Message).ConfigureAwait(false);
            return;
        }

        var segments = resource.Trim('/').Split('/');
        var method = context.Request.Method;
        if (segments is ["channels", _, "hold" or "moh"])
        {
            lock (_gate)
            {
                _holdRequests.Add($"{method} {resource}");
            }
        }

        var task = (segments, method) switch
        {
            (["asterisk", "info"], "GET") => Info(context),
            (["asterisk", "modules", var module], "GET") => Module(context, module),
            (["asterisk", "variable"], "GET") => GetGlobal(context),
            (["asterisk", "variable"], "POST") => SetGlobal(context),
            (["applications"], "GET") => Applications(context, null),
            (["applications", var name], "GET") => Applications(context, name),
            (["channels"], "GET") => ListChannels(context),
            (["channels"], "POST") => Originate(context),
            (["channels", "externalMedia"], "POST") => ExternalMedia(context),
            (["channels", "create"], "POST") => Create(context),
            (["channels", var id, "dial"], "POST") => DialCreated(context, id),
            (["channels", var id], "GET") => WithChannel(context, id, c => WriteJsonAsync(context, 200, AriShapes.Channel(c))),
            (["channels", var id], "DELETE") => HangupChannel(context, id),
            (["channels", var id, "answer"], "POST") => Answer(context, id),
            (["channels", var id, "ring"], "POST") => InStasis(context, id, c =>
            {
                c.RingingIndicated = true;
                RingLocalOne(c);
            }),
            (["channels", var id, "ring"], "DELETE") => InStasis(context, id, c => c.RingingIndicated = false),
            (["channels", var id, "hold"], "POST") => InStasis(context, id, c => c.OnHold = true),
            (["channels", var id, "hold"], "DELETE") => InStasis(context, id, c => c.OnHold = false),
            (["channels", var id, "moh"], "POST") => InStasis(context, id, c => c.MusicOnHold = true),
            (["channels", var id, "moh"], "DELETE") => InStasis(context, id, c => c.MusicOnHold = false),
            (["channels", var id, "dtmf"], "POST") => Dtmf(context, id),
            (["channels", var id, "continue"], "POST") => LeaveStasis(context, id, $"{Q(context.Request, "context")},{Q(context.Request, "extension")},{Q(context.Request, "priority")}"),
            (["channels", var id, "redirect"], "POST") => HasQ(context.Request, "endpoint")
                ? LeaveStasis(context, id, Q(context.Request, "endpoint"))
                : Error(context, 400, "Required parameter endpoint not provided"),
            (["channels", var id, "variable"], "GET") => GetVariable(context, id),
            (["channels", var id, "variable"], "POST") => SetVariable(context, id),
            (["channels", var id, "rtp_statistics"], "GET") => WithChannel(context, id, _ => Error(context, 404, "RTP info not found")),
            (["deviceStates", var name], "PUT") => UpdateDeviceState(context, name),
            (["deviceStates", var name], "GET") => GetDeviceState(context, name),
            (["bridges"], "GET") => ListBridges(context),
            (["bridges"], "POST") => CreateBridge(context),
            (["bridges", var id], "GET") => WithBridge(context, id, b => WriteJsonAsync(context, 200, AriShapes.Bridge(b))),
            (["bridges", var id], "DELETE") => DestroyBridge(context, id),
            (["bridges", var id, "addChannel"], "POST") => AddChannel(context, id),
            (["bridges", var id, "removeChannel"], "POST") => RemoveChannel(context, id),
            _ => Error(context, 404, "Resource not found"),
        };
        await task.ConfigureAwait(false);
    }

    private const string NotFoundPage =
        "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n"
        + "<p>The requested URL was not found on this server.</p>\n<hr />\n<address>Asterisk</address>\n</body></html>\n";

    private async Task HandleEventsAsync(HttpContext context)
    {
        var app = Q(context.Request, "app");
        if (app.Length == 0)
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><head><title>400 Bad Request</title></head><body>HTTP request is missing param: [app]</body></html>").ConfigureAwait(false);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Error(context, 400, "WebSocket upgrade required").ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var connection = new SimEventConnection(app, socket, context);
        lock (_gate)
        {
            if (_connections.TryGetValue(app, out var previous))
            {
                // Asterisk allows one WebSocket per app: the newer wins, the older is told so. Recorded with 22.10.1:
                // the older socket is not closed, it just gets no further events.
                previous.Enqueue(AriShapes.Event("ApplicationReplaced", app).ToJsonString(AriShapes.Json));
            }

            _connections[app] = connection;
            _registeredApps.Add(app);
            App = app;
            Interlocked.Increment(ref _eventConnectionsAccepted);
        }

        await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
        lock (_gate)
        {
            if (_connections.TryGetValue(app, out var current) && current == connection)
            {
                _connections.Remove(app);
                UnregisterIfIdleLocked(app);
            }
        }
    }

    /// <summary>
    /// Asterisk drops an app (GET /applications/{app} then answers 404, `ari show apps` no longer lists it) once it has
    /// no WebSocket and no channel in it; a channel still in Stasis keeps it registered.
    /// </summary>
    private void UnregisterIfIdleLocked(string app)
    {
        if (!_connections.ContainsKey(app) && !_channels.Values.Any(c => c.InStasis))
        {
            _registeredApps.Remove(app);
        }
    }

    private Task Info(HttpContext context)
    {
        var only = Q(context.Request, "only");
        var parts = only.Length == 0 ? ["build", "system", "config", "status"] : only.Split(',');
        var body = new JsonObject();
        if (parts.Contains("build"))
        {
            body["build"] = new JsonObject { ["os"] = "Linux", ["kernel"] = "6.18.44-fc-v769", ["machine"] = "x86_64", ["options"] = "OPTIONAL_API", ["date"] = "2026-11-22 21:57:07 UTC", ["user"] = "root" };
        }

        if (parts.Contains("system"))
        {
            body["system"] = new JsonObject { ["version"] = _options.Version, ["entity_id"] = AriShapes.AsteriskId };
        }

        if (parts.Contains("config"))
        {
            body["config"] = new JsonObject { ["name"] = "", ["default_language"] = "en", ["setid"] = new JsonObject { ["user"] = "", ["group"] = "" } };
        }

        if (parts.Contains("status"))
        {
            var started = AriShapes.Format(DateTimeOffset.FromUnixTimeSeconds(_epoch));
            body["status"] = new JsonObject { ["startup_time"] = started, ["last_reload_time"] = started };
        }

        return WriteJsonAsync(context, 200, body);
    }

    private Task Module(HttpContext context, string module) =>
        RunningModules.Contains(module)
            ? WriteJsonAsync(context, 200, new JsonObject { ["name"] = module, ["description"] = module, ["use_count"] = 0, ["status"] = "Running", ["support_level"] = "core" })
            : Error(context, 404, "Module could not be found in running modules");

    private Task Applications(HttpContext context, string? name)
    {
        JsonObject Describe(string app)
        {
            // Only the channels in this application's Stasis() (AppData "app,args"): Asterisk lists each app's own.
            var channels = new JsonArray();
            foreach (var c in _channels.Values.Where(c => c.InStasis && (c.AppData == app || c.AppData.StartsWith(app + ",", StringComparison.Ordinal))))
            {
                channels.Add(c.Id);
            }

            var bridges = new JsonArray();
            foreach (var id in _bridges.Keys)
            {
                bridges.Add(id);
            }

            return new JsonObject
            {
                ["name"] = app,
                ["channel_ids"] = channels,
                ["bridge_ids"] = bridges,
                ["endpoint_ids"] = new JsonArray(),
                ["device_names"] = new JsonArray(),
                ["events_allowed"] = new JsonArray(),
                ["events_disallowed"] = new JsonArray(),
            };
        }

        lock (_gate)
        {
            foreach (var app in _registeredApps.ToList())
            {
                UnregisterIfIdleLocked(app);
            }

            if (name is null)
            {
                var list = new JsonArray();
                foreach (var app in _registeredApps)
                {
                    list.Add(Describe(app));
                }

                return WriteJsonAsync(context, 200, list);
            }

            return _registeredApps.Contains(name)
                ? WriteJsonAsync(context, 200, Describe(name))
                : Error(context, 404, "Application not found");
        }
    }

    private Task ListChannels(HttpContext context)
    {
        lock (_gate)
        {
            var list = new JsonArray();
            foreach (var c in _channels.Values)
            {
                list.Add(AriShapes.Channel(c));
            }

            return WriteJsonAsync(context, 200, list);
        }
    }

    private Task WithChannel(HttpContext context, string id, Func<SimChannel, Task> action)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(id, out var c) ? action(c) : Error(context, 404, "Channel not found");
        }
    }

    private Task InStasis(HttpContext context, string id, Action<SimChannel> action) =>
        WithChannel(context, id, c =>
        {
            if (!c.InStasis)
            {
                return Error(context, 409, "Channel not in Stasis application");
            }

            action(c);
            return NoContent(context);
        });

    private Task WithBridge(HttpContext context, string id, Func<SimBridge, Task> action)
    {
        lock (_gate)
        {
            return _bridges.TryGetValue(id, out var b) ? action(b) : Error(context, 404, "Bridge not found");
        }
    }

    private async Task ExternalMedia(HttpContext context)
    {
        var variables = await ReadVariablesAsync(context.Request).ConfigureAwait(false);
        await ExternalMedia(context, variables).ConfigureAwait(false);
    }

    private Task ExternalMedia(HttpContext context, Dictionary<string, string> variables)
    {
        var r = context.Request;
        var app = Q(r, "app");
        var host = Q(r, "external_host");
        var format = Q(r, "format");
        var encapsulation = HasQ(r, "encapsulation") ? Q(r, "encapsulation") : "rtp";
        var transport = HasQ(r, "transport") ? Q(r, "transport") : "udp";
        var direction = HasQ(r, "direction") ? Q(r, "direction") : "both";
        if (app.Length == 0)
        {
            return Error(context, 400, "app cannot be empty");
        }

        if (host.Length == 0)
        {
            return Error(context, 400, "external_host is required for all but websocket server connections");
        }

        if (format.Length == 0)
        {
            return Error(context, 400, "format cannot be empty");
        }

        if (Q(r, "connection_type") == "server" && transport != "websocket")
        {
            return Error(context, 400, "'server' connection_type can only be used with the websocket transport");
        }

        if (transport == "websocket" && encapsulation != "none")
        {
            return Error(context, 400, "encapsulation must be 'none' for websocket transport");
        }

        if (encapsulation == "audiosocket" && !HasQ(r, "data"))
        {
            return Error(context, 400, "data can not be empty");
        }

        if (encapsulation == "rtp" && transport != "udp")
        {
            return Error(context, 400, "transport must be 'udp' for rtp encapsulation");
        }

        if (encapsulation != "rtp")
        {
            return Error(context, 501, "The encapsulation and/or transport is not supported");
        }

        var colon = host.LastIndexOf(':');
        if (colon < 0)
        {
            return Error(context, 400, "external_host must be <host>:<port> for all transports other than websocket");
        }

        if (direction is not ("both" or "in" or "out"))
        {
            return Error(context, 400, "Invalid direction specified");
        }

        if (!IPAddress.TryParse(host[..colon], out var ip) || !int.TryParse(host[(colon + 1)..], out var port) || !KnownFormats.Contains(format))
        {
            // chan_rtp: "Unable to resolve host" / unknown format -> the generic 500.
            return Error(context, 500, "An internal error prevented this request from being handled");
        }

        lock (_gate)
        {
            var id = HasQ(r, "channelId") ? Q(r, "channelId") : NewUniqueId();
            if (_channels.ContainsKey(id))
            {
                return Error(context, 500, "An internal error prevented this request from being handled");
            }

            var (callerName, callerNumber) = ParseCallerId(variables.GetValueOrDefault("CALLERID(all)", ""));
            var channel = new SimChannel
            {
                Id = id,
                Name = $"UnicastRTP/{host}-0x{Random.Shared.NextInt64(0x7f0000000000, 0x7fffffffffff):x}",
                CallerName = callerName,
                CallerNumber = callerNumber,
                Subscriber = app,
            };
            var rtp = new SimRtpEndpoint(new IPEndPoint(ip, port), format, _options.ToneHz, _options.StrictRtpLearnTimeout, () => BridgedPeerBehaviour(id), () => RelayTarget(id), _toneClock);
            channel.Rtp = rtp;
            channel.Variables["STASISSTATUS"] = "";
            channel.Variables["UNICASTRTP_LOCAL_PORT"] = rtp.LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            channel.Variables["UNICASTRTP_LOCAL_ADDRESS"] = rtp.LocalEndPoint.Address.ToString();
            _channels[id] = channel;
            var response = AriShapes.Channel(channel, withChannelVars: true);
            if (!_registeredApps.Contains(app))
            {
                // Recorded: 200, then the channel dies at once ("Stasis app 'nosuchapp' doesn't exist").
                Remove(channel);
                return WriteJsonAsync(context, 200, response);
            }

            // Recorded order: Dial, Up, Dial ANSWER, STASISSTATUS, StasisStart. The response only waits for the
            // channel to be up: entering Stasis happens afterwards on the channel's own thread (res_stasis), so the
            // StasisStart is sent after the response here, as a loaded Asterisk does.
            var dialstring = $"{host}/c({format})";
            EvDial(channel, "", dialstring);
            EvState(channel, "Up");
            EvDial(channel, "ANSWER", dialstring);
            string[] stasisArgs = HasQ(r, "data") ? [Q(r, "data")] : [];
            context.Response.OnCompleted(() =>
            {
                RunLater(_options.ExternalMediaStasisStartDelay, () => EnterStasis(channel, app, stasisArgs));
                return Task.CompletedTask;
            });
            return WriteJsonAsync(context, 200, response);
        }
    }

    /// <summary>The channel runs Stasis(app,args): from now on the app may bridge and control it.</summary>
    private void EnterStasis(SimChannel channel, string app, string[] args)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel.Id, out var current) || current != channel)
            {
                return;
            }

            channel.AppName = "Stasis";
            channel.AppData = string.Join(',', new[] { app }.Concat(args));
            channel.Subscriber = app;
            if (_options.LoseExternalMediaStasisStart)
            {
                channel.InStasis = true;
                return;
            }

            EvVarset(channel, "STASISSTATUS", "");
            EvStasisStart(channel, args);
        }
    }

    private Task Originate(HttpContext context)
    {
        var r = context.Request;
        var endpoint = Q(r, "endpoint");
        var app = Q(r, "app");
        if (endpoint.Length == 0)
        {
            return Error(context, 400, "Endpoint must be specified");
        }

        if (app.Length == 0 && !HasQ(r, "extension"))
        {
            return Error(context, 400, "Application or extension must be specified");
        }

        if (!endpoint.StartsWith("Local/", StringComparison.Ordinal))
        {
            return WriteJsonAsync(context, 500, new JsonObject { ["error"] = "Allocation failed" });
        }

        var target = endpoint["Local/".Length..];
        var at = target.IndexOf('@', StringComparison.Ordinal);
        var exten = at < 0 ? target : target[..at];
        var dialContext = at < 0 ? "default" : target[(at + 1)..];
        var (callerName, callerNumber) = ParseCallerId(Q(r, "callerId"));
        var args = HasQ(r, "appArgs") ? Q(r, "appArgs").Split(',') : [];
        var timeout = int.TryParse(Q(r, "timeout"), out var seconds) && seconds > 0 ? seconds : 30;
        lock (_gate)
        {
            var id = HasQ(r, "channelId") ? Q(r, "channelId") : NewUniqueId();
            var otherId = HasQ(r, "otherChannelId") ? Q(r, "otherChannelId") : NewUniqueId();
            if (_channels.ContainsKey(id) || _channels.ContainsKey(otherId))
            {
                return Error(context, 500, "An internal error prevented this request from being handled");
            }

            var n = Interlocked.Increment(ref _nextLocal);
            var exists = _options.Extensions.TryGetValue(exten, out var behaviour) || _options.IsAgentExtension(exten);
            behaviour = _options.Extensions.GetValueOrDefault(exten, FarBehaviour.Agent);
            var one = new SimChannel
            {
                Id = id,
                Name = $"Local/{exten}@{dialContext}-{n:x8};1",
                CallerName = callerName,
                CallerNumber = callerNumber,
                ConnectedName = callerName,
                ConnectedNumber = callerNumber,
                Context = dialContext,
                Exten = exten,
                Behaviour = exists ? behaviour : null,
                Subscriber = app.Length > 0 ? app : null,
            };
            var two = new SimChannel
            {
                Id = otherId,
                Name = $"Local/{exten}@{dialContext}-{n:x8};2",
                State = "Ring",
                CallerName = callerName,
                CallerNumber = callerNumber,
                ConnectedName = callerName,
                ConnectedNumber = callerNumber,
                Context = dialContext,
                Exten = exten,
                AppName = "",
                AppData = "",
                Subscriber = app.Length > 0 ? app : null,
            };
            one.OtherHalf = two;
            two.LocalOne = one;
            _channels[id] = one;
            _channels[otherId] = two;
            var response = AriShapes.Channel(one);
            RunLater(TimeSpan.FromMilliseconds(5), () => RunDialplan(one, exists ? behaviour : null, app, args, timeout));
            return WriteJsonAsync(context, 200, response);
        }
    }

    private void RunDialplan(SimChannel one, FarBehaviour? behaviour, string app, string[] args, int timeoutSeconds)
    {
        lock (_gate)
        {
            if (!_channels.ContainsKey(one.Id) || one.OtherHalf is not { } two)
            {
                return;
            }

            if (behaviour is null)
            {
                // Recorded for Local/nosuchexten@nosuchcontext: two ChannelDestroyed with cause 0, no StasisStart.
                EvDestroyed(two, 0);
                Remove(two);
                EvDestroyed(one, 0);
                Remove(one);
                return;
            }

            var dialstring = $"{one.Exten}@{one.Context}";
            EvDial(one, "", dialstring);
            switch (behaviour)
            {
                case FarBehaviour.Echo or FarBehaviour.Tone:
                    EvState(two, "Up");
                    EvState(one, "Up");
                    EvDial(one, "ANSWER", dialstring);
                    one.AppName = "Stasis";
                    one.AppData = string.Join(',', new[] { app }.Concat(args));
                    EvVarset(one, "STASISSTATUS", "");
                    EvStasisStart(one, args);
                    break;
                case FarBehaviour.Agent:
                    // Recorded (agent to agent through the shipped dialplan): Dial on ;1, then the ;2 half runs
                    // Stasis(app,agent=EXTEN): STASISSTATUS and StasisStart with args ["agent=EXTEN"], state Ring.
                    one.PendingStasis = (app, args);
                    two.AppName = "Stasis";
                    two.AppData = $"{app},agent={one.Exten}";
                    EvVarset(two, "STASISSTATUS", "");
                    EvStasisStart(two, [$"agent={one.Exten}"]);
                    break;
                case FarBehaviour.Busy:
                    EvHangupRequest(two, 17, soft: false);
                    EvDestroyed(two, 17);
                    Remove(two);
                    one.OtherHalf = null;
                    EvDial(one, "BUSY", dialstring);
                    EvDestroyed(one, 17);
                    Remove(one);
                    break;
                case FarBehaviour.RingNoAnswer:
                    EvState(one, "Ringing");
                    EvDial(one, "RINGING", dialstring);
                    RunLater(TimeSpan.FromSeconds(timeoutSeconds), () =>
                    {
                        lock (_gate)
                        {
                            if (!_channels.ContainsKey(one.Id) || one.InStasis)
                            {
                                return;
                            }

                            EvDial(one, "NOANSWER", dialstring);
                            if (one.OtherHalf is { } half)
                            {
                                EvDestroyed(half, 19);
                                Remove(half);
                                one.OtherHalf = null;
                            }

                            EvDestroyed(one, 19);
                            Remove(one);
                        }
                    });
                    break;
            }
        }
    }

    private static (string Name, string Number) ParseCallerId(string callerId)
    {
        var lt = callerId.IndexOf('<', StringComparison.Ordinal);
        var gt = callerId.IndexOf('>', StringComparison.Ordinal);
        if (lt < 0 || gt < lt)
        {
            return ("", callerId);
        }

        return (callerId[..lt].Trim().Trim('"'), callerId[(lt + 1)..gt]);
    }

    private Task HangupChannel(HttpContext context, string id)
    {
        var r = context.Request;
        var cause = 16;
        if (HasQ(r, "reason_code"))
        {
            if (!int.TryParse(Q(r, "reason_code"), out cause))
            {
                return Error(context, 400, "Invalid reason for hangup provided");
            }
        }
        else if (HasQ(r, "reason"))
        {
            if (AriShapes.CauseForReason(Q(r, "reason")) is not { } mapped)
            {
                return Error(context, 400, "Invalid reason for hangup provided");
            }

            cause = mapped;
        }

        return WithChannel(context, id, c =>
        {
            DestroyLocked(c, cause, softCause: 32);
            return NoContent(context);
        });
    }

    private Task Answer(HttpContext context, string id) =>
        WithChannel(context, id, c =>
        {
            if (!c.InStasis)
            {
                return Error(context, 409, "Channel not in Stasis application");
            }

            if (c.State != "Up")
            {
                AnswerAsLocalHalf(c);
            }

            return NoContent(context);
        });

    /// <summary>Ringing indicated on a ;2 half reaches its ;1 half (the caller of a Local channel hears it ring).</summary>
    private void RingLocalOne(SimChannel two)
    {
        if (two.LocalOne is { } one && _channels.ContainsKey(one.Id) && one.State != "Up")
        {
            EvState(one, "Ringing");
            EvDial(one, "RINGING", $"{one.Exten}@{one.Context}");
        }
    }

    /// <summary>
    /// The channel answers; on a ;2 half the ;1 half is up too and, when originated into an app, enters Stasis there
    /// (recorded: ;1 Up, ;2 Up, Dial ANSWER, STASISSTATUS and StasisStart on ;1).
    /// </summary>
    private void AnswerAsLocalHalf(SimChannel c)
    {
        if (c.LocalOne is not { } one || !_channels.ContainsKey(one.Id) || one.State == "Up")
        {
            EvState(c, "Up");
            return;
        }

        EvState(one, "Up");
        EvState(c, "Up");
        EvDial(one, "ANSWER", $"{one.Exten}@{one.Context}");
        if (one.PendingStasis is var (app, args))
        {
            one.PendingStasis = null;
            one.AppName = "Stasis";
            one.AppData = string.Join(',', new[] { app }.Concat(args));
            EvVarset(one, "STASISSTATUS", "");
            EvStasisStart(one, args);
        }
    }

    private Task Dtmf(HttpContext context, string id)
    {
        var dtmf = Q(context.Request, "dtmf");
        if (dtmf.Length == 0)
        {
            return Error(context, 400, "DTMF is required");
        }

        return InStasis(context, id, c => c.DtmfReceivedFromApp.Add(dtmf));
    }

    private Task LeaveStasis(HttpContext context, string id, string destination) =>
        WithChannel(context, id, c =>
        {
            if (!c.InStasis)
            {
                return Error(context, 409, "Channel not in Stasis application");
            }

            _continuedTo[id] = destination;
            LeaveBridgeLocked(c);
            EvStasisEnd(c);

            // The channel now runs the dialplan outside our app: it is no longer ours to count.
            if (c.OtherHalf is { } half)
            {
                Remove(half);
            }

            Remove(c);
            return NoContent(context);
        });

    private Task GetVariable(HttpContext context, string id)
    {
        var name = Q(context.Request, "variable");
        if (name.Length == 0)
        {
            return Error(context, 400, "Variable name is required");
        }

        return WithChannel(context, id, c => c.Variables.TryGetValue(name, out var value)
            ? WriteJsonAsync(context, 200, new JsonObject { ["value"] = value })
            : Error(context, 404, "Provided variable was not found"));
    }

    private Task SetVariable(HttpContext context, string id)
    {
        var name = Q(context.Request, "variable");
        if (name.Length == 0)
        {
            return Error(context, 400, "Variable name is required");
        }

        return WithChannel(context, id, c =>
        {
            EvVarset(c, name, Q(context.Request, "value"));
            return NoContent(context);
        });
    }

    private Task ListBridges(HttpContext context)
    {
        lock (_gate)
        {
            var list = new JsonArray();
            foreach (var b in _bridges.Values)
            {
                list.Add(AriShapes.Bridge(b));
            }

            return WriteJsonAsync(context, 200, list);
        }
    }

    private Task CreateBridge(HttpContext context)
    {
        var r = context.Request;
        var type = HasQ(r, "type") ? Q(r, "type") : "mixing";
        lock (_gate)
        {
            var id = HasQ(r, "bridgeId") ? Q(r, "bridgeId") : Guid.NewGuid().ToString();
            if (type.Split(',').Any(t => t is not ("mixing" or "holding" or "dtmf_events" or "proxy_media" or "video_sfu" or "video_single")) || _bridges.ContainsKey(id))
            {
                var shownId = HasQ(r, "bridgeId") ? id : "(null)";
                return Error(context, 500, $"Unable to create bridge. Possible duplicate bridge id '{shownId}'");
            }

            var bridge = new SimBridge(id, type.Split(',')[0], Q(r, "name"));
            _bridges[id] = bridge;
            return WriteJsonAsync(context, 200, AriShapes.Bridge(bridge));
        }
    }

    private Task DestroyBridge(HttpContext context, string id) =>
        WithBridge(context, id, b =>
        {
            foreach (var channelId in b.ChannelIds.ToList())
            {
                if (_channels.TryGetValue(channelId, out var c))
                {
                    LeaveBridgeLocked(c);
                }
            }

            _bridges.Remove(id);
            Emit(AriShapes.Event("BridgeDestroyed", b.Subscriber ?? App, trailing: new JsonObject { ["bridge"] = AriShapes.Bridge(b) }));
            return NoContent(context);
        });

    private Task AddChannel(HttpContext context, string id) =>
        WithBridge(context, id, b =>
        {
            var list = Q(context.Request, "channel");
            if (list.Length == 0)
            {
                return Error(context, 400, "Missing parameter channel");
            }

            var ids = list.Split(',');
            if (ids.Any(c => !_channels.ContainsKey(c)))
            {
                return Error(context, 400, "Channel not found");
            }

            if (ids.Any(c => !_channels[c].InStasis))
            {
                return Error(context, 422, "Channel not in Stasis application");
            }

            foreach (var channelId in ids)
            {
                EnterBridgeLocked(b, _channels[channelId]);
            }

            if (b.ChannelIds.Count == 2)
            {
                var first = _channels[b.ChannelIds[0]];
                var second = _channels[b.ChannelIds[1]];
                EvVarset(first, "BRIDGEPEER", second.Name);
                EvVarset(second, "BRIDGEPEER", first.Name);

                // Recorded (create-dial-caller-id-through-bridge.jsonl): a two-party bridge gives each channel the
                // other's caller id as connected line, so a Local ;1 half bridged with a caller-less externalMedia
                // channel before its dial hands its ;2 half no caller id.
                (first.ConnectedName, first.ConnectedNumber, second.ConnectedName, second.ConnectedNumber) =
                    (second.CallerName, second.CallerNumber, first.CallerName, first.CallerNumber);
            }

            return NoContent(context);
        });

    private Task RemoveChannel(HttpContext context, string id) =>
        WithBridge(context, id, b =>
        {
            var channelId = Q(context.Request, "channel");
            if (channelId.Length == 0)
            {
                return Error(context, 400, "Missing parameter channel");
            }

            if (!_channels.TryGetValue(channelId, out var c))
            {
                return Error(context, 400, "Channel not found");
            }

            if (c.Bridge != b)
            {
                return Error(context, 422, "Channel not in this bridge");
            }

            LeaveBridgeLocked(c);
            return NoContent(context);
        });
}
