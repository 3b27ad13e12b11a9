using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Ari.Events;
using PbxBridge.Asterisk.Simulator;

namespace PbxBridge.Asterisk.Tests.Ari;

/// <summary>The transcripts recorded from Asterisk 22.10.1 are the contract: our parser and the simulator must match them.</summary>
public sealed partial class TranscriptReplayTests
{
    public static TheoryData<string> Transcripts => [.. RecordedAriTranscript.Available];

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void Every_recorded_event_parses_into_its_typed_shape(string transcript)
    {
        foreach (var line in Lines(transcript).Where(l => l["kind"]!.GetValue<string>() == "ws_event"))
        {
            var recorded = line["event"]!.AsObject();
            var type = recorded["type"]!.GetValue<string>();

            var parsed = AriEventParser.Parse(Encoding.UTF8.GetBytes(recorded.ToJsonString()));

            if (parsed is null)
            {
                Assert.DoesNotContain(type, KnownTypes);
                continue;
            }

            Assert.Equal(type, parsed.Type);
            Assert.Equal(recorded["application"]!.GetValue<string>(), parsed.Application);
            switch (parsed)
            {
                case ChannelDestroyed destroyed:
                    Assert.Equal(recorded["cause"]!.GetValue<int>(), destroyed.Cause);
                    Assert.Equal(recorded["cause_txt"]!.GetValue<string>(), destroyed.CauseTxt);
                    break;
                case StasisStart start:
                    Assert.Equal(recorded["args"]!.AsArray().Select(a => a!.GetValue<string>()), start.Args);
                    Assert.Equal(recorded["channel"]!["dialplan"]!["app_data"]!.GetValue<string>(), start.Channel.Dialplan.AppData);
                    break;
                case ChannelVarset varset:
                    Assert.Equal(recorded["variable"]!.GetValue<string>(), varset.Variable);
                    break;
                case ChannelHangupRequest request:
                    Assert.Equal(recorded["cause"]?.GetValue<int>(), request.Cause);
                    Assert.Equal(recorded["soft"]?.GetValue<bool>(), request.Soft);
                    break;
                case Dial dial:
                    Assert.Equal(recorded["peer"]!["id"]!.GetValue<string>(), dial.Peer.Id);
                    Assert.Equal(recorded["dialstatus"]!.GetValue<string>(), dial.Dialstatus);
                    break;
                case BridgeDestroyed bridge:
                    Assert.Equal(recorded["bridge"]!["id"]!.GetValue<string>(), bridge.Bridge.Id);
                    break;
                default:
                    break;
            }

            if (parsed is ChannelEvent channelEvent)
            {
                Assert.Equal(recorded["channel"]!["id"]!.GetValue<string>(), channelEvent.Channel.Id);
                Assert.Equal(recorded["channel"]!["state"]!.GetValue<string>(), channelEvent.Channel.State);
            }
        }
    }

    [Fact]
    public void Recorded_externalmedia_response_yields_the_unicastrtp_address()
    {
        var response = Lines("outbound-originate-externalmedia.jsonl")
            .First(l => l["kind"]!.GetValue<string>() == "rest_response" && l["path"]!.GetValue<string>() == "/channels/externalMedia");

        var channel = JsonSerializer.Deserialize(response["body"]!.ToJsonString(), AriJsonContext.Default.Channel)!;

        Assert.Equal("127.0.0.1", channel.ChannelVars!["UNICASTRTP_LOCAL_ADDRESS"]);
        Assert.Equal("10206", channel.ChannelVars["UNICASTRTP_LOCAL_PORT"]);
        Assert.Equal("Down", channel.State);
    }

    [Theory]
    [InlineData("externalmedia-bad-params.jsonl")]
    [InlineData("ari-auth-failure-401.jsonl")]
    public async Task Simulator_answers_recorded_requests_with_the_recorded_status_and_body(string transcript)
    {
        // A bare events WebSocket registers the app: an AsteriskPbx would (rightly) delete the "pbxbridge-" channels
        // the recorded requests create.
        await using var sim = await Simulator.AriSimulator.StartAsync();
        using var events = new System.Net.WebSockets.ClientWebSocket();
        events.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sim.User}:{sim.Password}")));
        await events.ConnectAsync(new Uri($"ws://{sim.Url.Authority}/ari/events?app=pbxbridge&subscribeAll=false"), CancellationToken.None);
        using var http = new HttpClient();
        var lines = Lines(transcript);
        var replayed = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var request = lines[i];
            if (request["kind"]!.GetValue<string>() != "rest_request")
            {
                continue;
            }

            var response = lines.Skip(i + 1).First(l => l["kind"]!.GetValue<string>() == "rest_response");
            var url = request["url"]!.GetValue<string>();
            var status = response["status"]!.GetValue<int>();
            if (RecordedId().IsMatch(request["path"]!.GetValue<string>()))
            {
                // Ids that only existed on the recorded Asterisk.
                continue;
            }

            var message = new HttpRequestMessage(new HttpMethod(request["method"]!.GetValue<string>()), url.Replace("http://127.0.0.1:8088", sim.Url.ToString().TrimEnd('/'), StringComparison.Ordinal));
            if (request["auth"] is JsonObject auth && auth["basic_user"] is { } user)
            {
                var password = auth["password_correct"]!.GetValue<bool>() ? sim.Password : "wrong";
                message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user.GetValue<string>()}:{password}")));
            }

            using var answer = await http.SendAsync(message);
            var body = await answer.Content.ReadAsStringAsync();

            Assert.True(status == (int)answer.StatusCode, $"{request["method"]} {url}: recorded {status}, simulator {(int)answer.StatusCode} {body}");
            if (status >= 400)
            {
                Assert.Equal(response["body"]!.ToJsonString(), JsonNode.Parse(body)!.ToJsonString());
            }

            if (status == 401)
            {
                Assert.Equal("Basic realm=\"Asterisk REST Interface\"", answer.Headers.WwwAuthenticate.ToString());
            }

            replayed++;
        }

        Assert.True(replayed >= 4, $"only {replayed} requests replayed");
    }

    private static readonly HashSet<string> KnownTypes =
        ["StasisStart", "StasisEnd", "ChannelStateChange", "ChannelDtmfReceived", "ChannelHangupRequest", "ChannelDestroyed", "ChannelVarset", "BridgeDestroyed", "Dial", "ChannelLeftBridge", "ApplicationReplaced"];

    [GeneratedRegex(@"/\d+\.\d+|[0-9a-f]{8}-[0-9a-f]{4}-")]
    private static partial Regex RecordedId();

    private static List<JsonObject> Lines(string transcript) => [.. RecordedAriTranscript.Lines(transcript)];
}
