using System.Text;

namespace PbxBridge.Fuzzing.Seeds;

/// <summary>Helpers that turn seed material into bytes: CRLF line endings as on the wire, embedded files, tokens.</summary>
internal static class SeedText
{
    public static byte[] Crlf(string text) =>
        Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));

    public static byte[][] Tokens(params string[] tokens) => [.. tokens.Select(Encoding.UTF8.GetBytes)];

    public static byte[] Embedded(string name)
    {
        using var stream = typeof(SeedText).Assembly.GetManifestResourceStream("Seeds/" + name)
            ?? throw new InvalidOperationException("missing embedded seed " + name);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>A seed file of hex bytes: '#' starts a comment (the RFC section it comes from), whitespace is ignored.</summary>
    public static byte[] EmbeddedHex(string name)
    {
        var hex = new StringBuilder();
        foreach (var line in Encoding.UTF8.GetString(Embedded(name)).Split('\n'))
        {
            var content = line.Split('#')[0];
            foreach (var c in content)
            {
                if (!char.IsWhiteSpace(c))
                {
                    hex.Append(c);
                }
            }
        }

        return Convert.FromHexString(hex.ToString());
    }
}
