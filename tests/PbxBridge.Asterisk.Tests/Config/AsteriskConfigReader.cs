namespace PbxBridge.Asterisk.Tests.Config;

/// <summary>One "key = value" or "key => value" line of an Asterisk config file.</summary>
internal sealed record AsteriskConfigEntry(string Key, string Value, bool IsObject, string File, int Line);

/// <summary>A [section] (templates and options after it in parentheses are kept as written).</summary>
internal sealed record AsteriskConfigSection(string Name, string Options, List<AsteriskConfigEntry> Entries)
{
    public string? Get(string key) => Entries.LastOrDefault(e => e.Key == key)?.Value;

    public IEnumerable<string> All(string key) => Entries.Where(e => e.Key == key).Select(e => e.Value);
}

/// <summary>
/// Reads Asterisk's config syntax as main/config.c does: [sections] with optional (options), "key = value" and
/// "key => value", ";" comments (not "\;"), ";-- block --;" comments, and #include. Anything else is an error,
/// so a typo in a shipped file fails the test instead of being skipped by Asterisk with a warning.
/// </summary>
internal static class AsteriskConfigReader
{
    public static List<AsteriskConfigSection> ReadFile(string path) => Read(File.ReadAllText(path), path, Path.GetDirectoryName(path)!);

    public static List<AsteriskConfigSection> Read(string text, string name, string includeDirectory)
    {
        var sections = new List<AsteriskConfigSection>();
        Parse(text, name, includeDirectory, sections, depth: 0);
        return sections;
    }

    private static void Parse(string text, string name, string includeDirectory, List<AsteriskConfigSection> sections, int depth)
    {
        if (depth > 10)
        {
            throw new FormatException($"{name}: #include nested too deep");
        }

        var inBlockComment = false;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (inBlockComment)
            {
                var close = line.IndexOf("--;", StringComparison.Ordinal);
                if (close < 0)
                {
                    continue;
                }

                inBlockComment = false;
                line = line[(close + 3)..];
            }

            var open = line.IndexOf(";--", StringComparison.Ordinal);
            if (open >= 0 && (open == 0 || line[open - 1] != '\\'))
            {
                var close = line.IndexOf("--;", open + 3, StringComparison.Ordinal);
                if (close < 0)
                {
                    inBlockComment = true;
                    line = line[..open];
                }
                else
                {
                    line = line[..open] + line[(close + 3)..];
                }
            }

            line = StripComment(line).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("#include", StringComparison.Ordinal) || line.StartsWith("#tryinclude", StringComparison.Ordinal))
            {
                var file = line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim().Trim('"', '<', '>');
                var full = Path.IsPathRooted(file) ? file : Path.Combine(includeDirectory, file);
                if (!File.Exists(full))
                {
                    if (line.StartsWith("#tryinclude", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    throw new FormatException($"{name}:{n + 1}: #include {file} not found");
                }

                Parse(File.ReadAllText(full), full, Path.GetDirectoryName(full)!, sections, depth + 1);
                continue;
            }

            if (line.StartsWith('['))
            {
                var end = line.IndexOf(']', StringComparison.Ordinal);
                if (end <= 1)
                {
                    throw new FormatException($"{name}:{n + 1}: bad section header '{line}'");
                }

                var options = line[(end + 1)..].Trim();
                if (options.Length > 0 && !(options.StartsWith('(') && options.EndsWith(')')))
                {
                    throw new FormatException($"{name}:{n + 1}: text after section header '{line}'");
                }

                sections.Add(new AsteriskConfigSection(line[1..end], options, []));
                continue;
            }

            var arrow = line.IndexOf("=>", StringComparison.Ordinal);
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"{name}:{n + 1}: not a section, setting or #include: '{line}'");
            }

            if (sections.Count == 0)
            {
                throw new FormatException($"{name}:{n + 1}: setting before any [section]");
            }

            var isObject = arrow == eq;
            var key = line[..eq].Trim();
            var value = line[(eq + (isObject ? 2 : 1))..].Trim();
            if (key.Length == 0 || key.Contains(' ', StringComparison.Ordinal))
            {
                throw new FormatException($"{name}:{n + 1}: bad key '{key}'");
            }

            sections[^1].Entries.Add(new AsteriskConfigEntry(key, value.Replace("\\;", ";", StringComparison.Ordinal), isObject, name, n + 1));
        }

        if (inBlockComment)
        {
            throw new FormatException($"{name}: unterminated ;-- block comment");
        }
    }

    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == ';' && (i == 0 || line[i - 1] != '\\'))
            {
                return line[..i];
            }
        }

        return line;
    }
}
