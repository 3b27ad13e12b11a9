using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// POST /channels/create and POST /channels/{id}/dial, as recorded with Asterisk 22.10.1
/// (Transcripts/create-dial-*.jsonl): the created ;1 half enters the app at once (state Down), may be bridged, and only
/// the dial runs the extension. What each extension then does reaches the app as Dial events on the ;1 half.
/// </summary>
public sealed partial class AriSimulator
{
    private async Task Create(HttpContext context)
    {
        var r = context.Request;
        var endpoint = Q(r, "endpoint");
        var app = Q(r, "app");
        if (endpoint.Length == 0)
        {
            await Error(context, 400, "Endpoint must be specified").ConfigureAwait(false);
            return;
        }

        if (app.Length == 0)
        {
            await Error(context, 400, "Application must be specified").ConfigureAwait(false);
            return;
        }

        var variables = await ReadVariablesAsync(r).ConfigureAwait(false);
        if (!endpoint.StartsWith("Local/", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 500, new JsonObject { ["error"] = "Allocation failed" }).ConfigureAwait(false);
            return;
        }

        var target = endpoint["Local/".Length..];
        var at = target.IndexOf('@', StringComparison.Ordinal);
        var exten = at < 0 ? target : target[..at];
        var dialContext = at < 0 ? "default" : target[(at + 1)..].Split('/')[0];
        var (callerName, callerNumber) = ParseCallerId(variables.GetValueOrDefault("CALLERID(all)", ""));
        var (connectedName, connectedNumber) = ParseCallerId(variables.GetValueOrDefault("CONNECTEDLINE(all)", ""));
        string[] args = HasQ(r, "appArgs") ? Q(r, "appArgs").Split(',') : [];
        Task response;
        lock (_gate)
        {
            var id = HasQ(r, "channelId") ? Q(r, "channelId") : NewUniqueId();
            var otherId = HasQ(r, "otherChannelId") ? Q(r, "otherChannelId") : NewUniqueId();
            if (_channels.ContainsKey(id) || _channels.ContainsKey(otherId))
            {
                response = Error(context, 409, "Channel with given unique ID already exists");
            }
            else
            {
                var n = Interlocked.Increment(ref _nextLocal);
                var exists = _options.Extensions.ContainsKey(exten) || _options.IsAgentExtension(exten);
                var one = new SimChannel
                {
                    Id = id,
                    Name = $"Local/{exten}@{dialContext}-{n:x8};1",
                    CallerName = callerName,
                    CallerNumber = callerNumber,
                    ConnectedName = connectedName,
                    ConnectedNumber = connectedNumber,
                    Context = dialContext,
                    Exten = exten,
                    AppName = "",
                    AppData = "",
                    Behaviour = exists ? _options.Extensions.GetValueOrDefault(exten, FarBehaviour.Agent) : null,
                    AwaitingDial = true,
                    Subscriber = app,
                };
                var two = new SimChannel
                {
                    Id = otherId,
                    Name = $"Local/{exten}@{dialContext}-{n:x8};2",
                    CallerName = connectedName,
                    CallerNumber = connectedNumber,
                    ConnectedName = callerName,
                    ConnectedNumber = callerNumber,
                    Context = dialContext,
                    Exten = exten,
                    AppName = "",
                    AppData = "",
                    Subscriber = app,
                };
                one.OtherHalf = two;
                two.LocalOne = one;
                _channels[id] = one;
                _channels[otherId] = two;

                // Recorded: the response, then ChannelDialplan (Stasis), STASISSTATUS and StasisStart with the args.
                context.Response.OnCompleted(() =>
                {
                    RunLater(TimeSpan.Zero, () => EnterStasis(one, app, args));
                    return Task.CompletedTask;
                });
                response = WriteJsonAsync(context, 200, AriShapes.Channel(one));
            }
        }

        await response.ConfigureAwait(false);
    }

    private static async Task<Dictionary<string, string>> ReadVariablesAsync(HttpRequest request)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any())
        {
            return variables;
        }

        try
        {
            var body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false);
            if (body?["variables"] is JsonObject list)
            {
                foreach (var (name, value) in list)
                {
                    variables[name] = value?.ToString() ?? "";
                }
            }
        }
        catch (JsonException)
        {
            // Asterisk ignores a body it cannot parse as variables; so does the simulator.
        }

        return variables;
    }

    private Task DialCreated(HttpContext context, string id)
    {
        var timeout = int.TryParse(Q(context.Request, "timeout"), out var seconds) && seconds > 0 ? seconds : 0;
        return WithChannel(context, id, one =>
        {
            if (!one.AwaitingDial)
            {
                return Error(context, 409, "Channel cannot be dialed");
            }

            one.AwaitingDial = false;
            RunLater(TimeSpan.FromMilliseconds(2), () => RunCreatedDialplan(one, timeout));
            return NoContent(context);
        });
    }

    /// <summary>The dialed extension runs; the app sees it through Dial events on the ;1 half (Transcripts/create-dial-*.jsonl).</summary>
    private void RunCreatedDialplan(SimChannel one, int timeoutSeconds)
    {
        lock (_gate)
        {
            if (!_channels.ContainsKey(one.Id) || one.OtherHalf is not { } two)
            {
                return;
            }

            var dialstring = $"{one.Exten}@{one.Context}";
            EvDial(one, "", dialstring);
            switch (one.Behaviour)
            {
                case null:
                    // Recorded (no such extension): a hard hangup request with cause 0, StasisEnd, ChannelDestroyed 16.
                    EvHangupRequest(one, 0, soft: false);
                    one.OtherHalf = null;
                    Remove(two);
                    DestroyLocked(one, 16, softCause: null);
                    break;
                case FarBehaviour.Echo or FarBehaviour.Tone:
                    EvState(two, "Up");
                    EvState(one, "Up");
                    EvDial(one, "ANSWER", "");
                    break;
                case FarBehaviour.EarlyMedia:
                    // Recorded: Dial PROGRESS at once (dialstring ""), the tone until the answer, then Up and ANSWER.
                    EvDial(one, "PROGRESS", "");
                    one.EarlyMediaPlaying = true;
                    RunLater(_options.EarlyMediaAnswerAfter, () =>
                    {
                        lock (_gate)
                        {
                            if (_channels.ContainsKey(one.Id) && one.State != "Up")
                            {
                                one.EarlyMediaPlaying = false;
                                EvState(one, "Up");
                                EvDial(one, "ANSWER", "");
                            }
                        }
                    });
                    break;
                case FarBehaviour.Agent:
                    // The ;2 half runs Stasis(app,agent=EXTEN) with the ;1 half's connected line as its caller (as
                    // the dial finds it); the ;1 half is up when the app answers the ;2 half.
                    (two.CallerName, two.CallerNumber) = (one.ConnectedName, one.ConnectedNumber);
                    two.AppName = "Stasis";
                    two.AppData = $"{App},agent={one.Exten}";
                    EvVarset(two, "STASISSTATUS", "");
                    EvStasisStart(two, [$"agent={one.Exten}"]);
                    break;
                case FarBehaviour.Busy:
                    // Recorded with Busy(5): Dial BUSY at once; the channel ends with 17 once Busy() is over.
                    EvDial(one, "BUSY", "");
                    RunLater(_options.BusyIndicationTime, () =>
                    {
                        lock (_gate)
                        {
                            if (_channels.TryGetValue(one.Id, out var current) && current == one)
                            {
                                EvHangupRequest(one, 17, soft: false);
                                one.OtherHalf = null;
                                Remove(two);
                                DestroyLocked(one, 17, softCause: null);
                            }
                        }
                    });
                    break;
                case FarBehaviour.RingNoAnswer:
                    EvState(one, "Ringing");
                    EvDial(one, "RINGING", "");
                    if (timeoutSeconds > 0)
                    {
                        // Recorded: at the dial timeout a soft hangup request (32), StasisEnd, ChannelDestroyed 19.
                        RunLater(TimeSpan.FromSeconds(timeoutSeconds), () =>
                        {
                            lock (_gate)
                            {
                                if (_channels.TryGetValue(one.Id, out var current) && current == one && one.State != "Up")
                                {
                                    one.OtherHalf = null;
                                    Remove(two);
                                    DestroyLocked(one, 19, softCause: 32);
                                }
                            }
                        });
                    }

                    break;
            }
        }
    }
}
