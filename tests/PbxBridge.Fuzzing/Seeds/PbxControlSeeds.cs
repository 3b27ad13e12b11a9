using System.Text;
using System.Text.Json;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.Fuzzing.Seeds;

/// <summary>
/// Seeds for the PBX control channels, from recordings of real PBXs: ESL frames a FreeSWITCH 1.10.12 sent
/// (embedded in the FreeSWITCH simulator), and ARI events an Asterisk sent on its events WebSocket
/// (embedded in the Asterisk simulator, one event of each type per transcript).
/// </summary>
public static class PbxControlSeeds
{
    public static IReadOnlyList<byte[]> EslFrames { get; } = BuildEsl();

    public static IReadOnlyList<byte[]> AriEvents { get; } = BuildAri();

    public static IReadOnlyList<byte[]> EslTokens { get; } = SeedText.Tokens(
        "Content-Type: text/event-plain", "Content-Type: text/event-json", "Content-Type: text/event-xml",
        "Content-Type: command/reply", "Content-Type: api/response", "Content-Type: text/disconnect-notice",
        "Content-Length: 0", "Content-Length: 2147483647", "Content-Length: -1", "Event-Name: CHANNEL_ANSWER",
        "Unique-ID: 6d1e7bc8-0000-4000-8000-000000000001", "Reply-Text: +OK", "Reply-Text: -ERR invalid",
        "variable_sip_call_id: %00%ZZ%", "Job-UUID: x", ":", "%", "%2", "\n\n");

    public static IReadOnlyList<byte[]> AriTokens { get; } = SeedText.Tokens(
        "{", "}", "[", "]", "\"", "\\u0000", "\\ud800", ":", ",", "null", "true", "1e999", "-0", "\"type\":", "\"StasisStart\"",
        "\"channel\":{}", "\"args\":[]", "\"id\":null", "\"timestamp\":\"\"", "\"digit\":\"\"", "\"duration_ms\":-1", "\"cause\":99999999999");

    private static List<byte[]> BuildEsl()
    {
        var seeds = new List<byte[]>();
        foreach (var name in RecordedTranscript.Available)
        {
            var transcript = RecordedTranscript.Load(name[..2]);
            foreach (var block in transcript.Blocks)
            {
                if (block.Direction == "S->C" && block.Bytes.Length > 0)
                {
                    seeds.Add(block.Bytes.ToArray());
                }
            }
        }

        // Several frames back to back, as they arrive on the socket.
        seeds.Add([.. seeds.Take(6).SelectMany(b => b)]);
        return seeds;
    }

    private static List<byte[]> BuildAri()
    {
        var seeds = new List<byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in RecordedAriTranscript.Available)
        {
            foreach (var line in RecordedAriTranscript.RawLines(file))
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.TryGetProperty("kind", out var kind) && kind.GetString() == "ws_event" &&
                    root.TryGetProperty("event", out var ev) && ev.TryGetProperty("type", out var type) &&
                    seen.Add(file + type.GetString()))
                {
                    seeds.Add(Encoding.UTF8.GetBytes(ev.GetRawText()));
                }
            }
        }

        return seeds;
    }
}
