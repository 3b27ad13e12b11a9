using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using PbxBridge.Asterisk.Simulator;

namespace PbxBridge.Asterisk.Tests.Ari;

/// <summary>
/// The simulator follows the recorded create-then-dial transcripts (Transcripts/create-dial-*.jsonl, Asterisk 22.10.1):
/// the same requests, made against the simulator, give the far channel the same events in the same order (state
/// changes, Dial statuses, hangup request causes, StasisEnd, ChannelDestroyed causes). The recorded extension is mapped
/// to the simulator extension that behaves like it.
/// </summary>
public sealed class CreateDialReplayTests
{
    [Theory]
    [InlineData("create-dial-early-media-progress.jsonl", "605", 30)]
    [InlineData("create-dial-no-such-extension.jsonl", "4242", 30)]
    [InlineData("create-dial-busy.jsonl", "603", 30)]
    [InlineData("create-dial-ringing-timeout.jsonl", "602", 3)]
    public async Task Far_channel_events_after_the_dial_are_the_recorded_ones(string transcript, string simulatorExtension, int dialTimeout)
    {
        var recorded = RecordedFarEvents(transcript);
        await using var sim = await AriSimulator.StartAsync(new AriSimulatorOptions
        {
            EarlyMediaAnswerAfter = TimeSpan.FromMilliseconds(300),
            BusyIndicationTime = TimeSpan.FromMilliseconds(300),
        });
        using var http = new HttpClient { BaseAddress = new Uri(sim.Url, "/ari/") };
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sim.User}:{sim.Password}"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        using var events = new ClientWebSocket();
        events.Options.SetRequestHeader("Authorization", "Basic " + token);
        await events.ConnectAsync(new Uri($"ws://{sim.Url.Authority}/ari/events?app=pbxbridge&subscribeAll=false"), CancellationToken.None);
        var far = "pbxbridge-t1-far";
        var received = new List<string>();
        var reader = ReadFarEventsAsync(events, far, received);

        await PostAsync(http, "channels/externalMedia?app=pbxbridge&external_host=127.0.0.1%3A40000&format=ulaw&channelId=pbxbridge-t1-em");
        await PostAsync(http, "bridges?type=mixing&bridgeId=pbxbridge-t1");
        Assert.True(await sim.WaitUntilAsync(s => s.IsInStasis("pbxbridge-t1-em"), TimeSpan.FromSeconds(5)));
        await PostAsync(http, "bridges/pbxbridge-t1/addChannel?channel=pbxbridge-t1-em");
        await PostAsync(http, $"channels/create?endpoint=Local%2F{simulatorExtension}%40test&app=pbxbridge&appArgs=outbound&channelId={far}&otherChannelId={far}2&formats=ulaw");
        Assert.True(await sim.WaitUntilAsync(s => s.IsInStasis(far), TimeSpan.FromSeconds(5)));
        await PostAsync(http, $"bridges/pbxbridge-t1/addChannel?channel={far}");
        lock (received)
        {
            received.Clear();
        }

        await PostAsync(http, $"channels/{far}/dial?timeout={dialTimeout}");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(dialTimeout + 5);
        while (DateTime.UtcNow < deadline && Snapshot(received).Count < recorded.Count)
        {
            await Task.Delay(50);
        }

        Assert.Equal(recorded, Snapshot(received).Take(recorded.Count));
        await events.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        await reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>The far channel's events between the recorded dial request and the next REST request.</summary>
    private static List<string> RecordedFarEvents(string transcript)
    {
        var lines = RecordedAriTranscript.Lines(transcript);
        var start = lines.ToList().FindIndex(l => l["kind"]!.GetValue<string>() == "rest_request" && l["path"]!.GetValue<string>().EndsWith("/dial", StringComparison.Ordinal));
        Assert.True(start >= 0, transcript + " has no dial request");
        var far = new List<string>();
        foreach (var line in lines.Skip(start + 1))
        {
            var kind = line["kind"]!.GetValue<string>();
            if (kind == "rest_request")
            {
                break;
            }

            if (kind == "ws_event" && Describe(line["event"]!.AsObject(), "pbxbridge-t1-far") is { } description)
            {
                far.Add(description);
            }
        }

        Assert.NotEmpty(far);
        return far;
    }

    /// <summary>"Dial PROGRESS", "ChannelStateChange Up", "ChannelHangupRequest 0", "ChannelDestroyed 19" ... for <paramref name="channelId"/>'s events that tell the app about the call's progress.</summary>
    private static string? Describe(JsonObject e, string channelId)
    {
        var type = e["type"]!.GetValue<string>();
        var channel = (e["channel"] ?? e["peer"])?["id"]?.GetValue<string>();
        if (channel != channelId)
        {
            return null;
        }

        return type switch
        {
            "Dial" => "Dial " + e["dialstatus"]!.GetValue<string>(),
            "ChannelStateChange" => "ChannelStateChange " + e["channel"]!["state"]!.GetValue<string>(),
            "ChannelHangupRequest" => $"ChannelHangupRequest {e["cause"]}{(e["soft"]?.GetValue<bool>() == true ? " soft" : "")}",
            "StasisEnd" => "StasisEnd",
            "ChannelDestroyed" => "ChannelDestroyed " + e["cause"],
            _ => null,
        };
    }

    private static async Task ReadFarEventsAsync(ClientWebSocket socket, string far, List<string> into)
    {
        var buffer = new byte[65536];
        var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var e = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (Describe(e, far) is { } description)
                {
                    lock (into)
                    {
                        into.Add(description);
                    }
                }
            }
        }
        catch (WebSocketException)
        {
            // The simulator went away at the end of the test.
        }
    }

    private static List<string> Snapshot(List<string> received)
    {
        lock (received)
        {
            return [.. received];
        }
    }

    private static async Task PostAsync(HttpClient http, string pathAndQuery)
    {
        using var response = await http.PostAsync(new Uri(pathAndQuery, UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, $"POST {pathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
