using System.Text.Json.Nodes;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// The ARI transcripts recorded from a real Asterisk 22.10.1 (Transcripts/README.md), embedded in this assembly so
/// every reader (the replay tests, the fuzz seeds) finds them in a plain clone: one JSON object per line
/// (<c>rest_request</c>, <c>rest_response</c>, <c>ws_event</c>, <c>rtp_summary</c>, <c>cli</c>, <c>note</c>).
/// </summary>
public static class RecordedAriTranscript
{
    private const string Prefix = "Transcripts/";

    /// <summary>File names of the embedded transcripts, e.g. "outbound-originate-externalmedia.jsonl".</summary>
    public static IReadOnlyList<string> Available =>
        [.. typeof(RecordedAriTranscript).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".jsonl", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..])
            .Order(StringComparer.Ordinal)];

    /// <summary>The transcript's raw lines, empty ones skipped.</summary>
    public static IReadOnlyList<string> RawLines(string name)
    {
        using var stream = typeof(RecordedAriTranscript).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new ArgumentException($"no recorded ARI transcript named {name}; have: {string.Join(", ", Available)}", nameof(name));
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>The transcript's lines parsed.</summary>
    public static IReadOnlyList<JsonObject> Lines(string name) => [.. RawLines(name).Select(l => JsonNode.Parse(l)!.AsObject())];
}
