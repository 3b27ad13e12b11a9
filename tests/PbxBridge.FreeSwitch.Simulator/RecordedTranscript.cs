using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>
/// A transcript recorded from a real FreeSWITCH 1.10.12 (Transcripts/README.md), split into its
/// byte-exact blocks. Each block header names direction and length: "===== S-&gt;C t=+0.002s 28 bytes [auth/request] =====".
/// </summary>
public sealed partial class RecordedTranscript
{
    private RecordedTranscript(string name, IReadOnlyList<TranscriptBlock> blocks)
    {
        Name = name;
        Blocks = blocks;
    }

    public string Name { get; }

    public IReadOnlyList<TranscriptBlock> Blocks { get; }

    /// <summary>Names of the embedded transcripts, e.g. "01-auth-ok-bad-and-rude-rejection.txt".</summary>
    public static IReadOnlyList<string> Available =>
        [.. typeof(RecordedTranscript).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Transcripts/", StringComparison.Ordinal))
            .Select(n => n["Transcripts/".Length..])
            .Order(StringComparer.Ordinal)];

    /// <summary>Loads an embedded transcript by the start of its file name ("01", "03-sip").</summary>
    public static RecordedTranscript Load(string namePrefix)
    {
        var name = Available.Single(n => n.StartsWith(namePrefix, StringComparison.Ordinal));
        using var stream = typeof(RecordedTranscript).Assembly.GetManifestResourceStream("Transcripts/" + name)
            ?? throw new InvalidOperationException("missing transcript " + name);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Parse(name, memory.ToArray());
    }

    public static RecordedTranscript Parse(string name, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var blocks = new List<TranscriptBlock>();
        var text = Encoding.Latin1.GetString(data); // Latin-1 maps byte i to char i, so indexes are byte offsets.
        var section = string.Empty;
        var position = 0;
        while (position < text.Length)
        {
            var match = BlockHeader().Match(text, position);
            var sectionMatch = SectionHeader().Match(text, position);
            if (sectionMatch.Success && (!match.Success || sectionMatch.Index < match.Index))
            {
                section = sectionMatch.Groups[1].Value.Trim();
                position = sectionMatch.Index + sectionMatch.Length;
                continue;
            }

            if (!match.Success)
            {
                break;
            }

            var length = int.Parse(match.Groups["length"].Value, CultureInfo.InvariantCulture);
            var start = match.Index + match.Length;
            blocks.Add(new TranscriptBlock(
                match.Groups["direction"].Value,
                match.Groups["type"].Value,
                section,
                data.AsMemory(start, length)));
            position = start + length;
        }

        return new RecordedTranscript(name, blocks);
    }

    /// <summary>Blocks of one section ("##### A) wrong password ..." starts with "A)").</summary>
    public IReadOnlyList<TranscriptBlock> Section(string sectionPrefix) =>
        [.. Blocks.Where(b => b.Section.StartsWith(sectionPrefix, StringComparison.Ordinal))];

    [GeneratedRegex(@"===== (?<direction>S->C|C->S|FS->APP|APP->FS|SIP [0-9.:]+ -> [0-9.:]+) t=\+[0-9.]+s (?<length>\d+) bytes(?: \[(?<type>[^\]]*)\])? =====\n")]
    private static partial Regex BlockHeader();

    [GeneratedRegex(@"(?m)^##### (.*)\n")]
    private static partial Regex SectionHeader();
}

/// <param name="Direction">"S-&gt;C" (FreeSWITCH to the ESL client), "C-&gt;S", or "SIP a -&gt; b".</param>
/// <param name="Label">The recorder's Content-Type label for S-&gt;C blocks, empty otherwise.</param>
/// <param name="Section">The "#####" heading the block is under, empty before the first.</param>
/// <param name="Bytes">The block's bytes exactly as they crossed the wire.</param>
public sealed record TranscriptBlock(string Direction, string Label, string Section, ReadOnlyMemory<byte> Bytes)
{
    public bool FromFreeSwitch => Direction is "S->C" or "FS->APP";

    public bool ToFreeSwitch => Direction is "C->S" or "APP->FS";

    public string Text => Encoding.UTF8.GetString(Bytes.Span);
}
