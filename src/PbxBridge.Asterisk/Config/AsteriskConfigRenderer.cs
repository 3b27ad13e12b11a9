using System.Globalization;
using System.Text;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk.Config;

/// <summary>
/// Renders the shipped pbx-config/asterisk files (embedded in this assembly) with a site's values. Values are set by
/// (section, key) in Asterisk's own syntax, keeping every comment, so the output reads like the shipped file.
/// </summary>
public static class AsteriskConfigRenderer
{
    private const string ResourcePrefix = "PbxBridge.Asterisk.Config.";
    private const string PasswordPlaceholder = "CHANGE-ME";

    /// <summary>The file names shipped (ari.conf, http.conf ...), in a stable order.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        [.. typeof(AsteriskConfigRenderer).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)];

    public static IReadOnlyList<PbxConfigFile> Render(AsteriskRenderValues v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var files = new List<PbxConfigFile>();
        foreach (var name in FileNames)
        {
            var text = Read(name);
            text = name switch
            {
                "http.conf" => SetValue(SetValue(text, "general", "bindaddr", v.HttpBindAddress), "general", "bindport", Invariant(v.HttpPort)),
                "ari.conf" => SetValue(RenameSection(text, "pbxbridge", v.AriUser), v.AriUser, "password", v.AriPassword ?? PasswordPlaceholder),
                "rtp.conf" => SetValue(SetValue(text, "general", "rtpstart", Invariant(v.AsteriskRtpStart)), "general", "rtpend", Invariant(v.AsteriskRtpEnd)),
                "acl.conf" => SetValue(text, "pbxbridge", "permit", v.PbxBridgeAddress + "/255.255.255.255"),
                "extensions_pbxbridge.conf" => text.Replace("Set(PBXBRIDGE_APP=pbxbridge)", $"Set(PBXBRIDGE_APP={v.App})", StringComparison.Ordinal)
                    .Replace("pbxbridge_agent_", AsteriskPbx.LocationVariablePrefix(v.App), StringComparison.Ordinal)
                    .Replace("Stasis:pbxbridge-", $"Stasis:{v.App}-", StringComparison.Ordinal),
                "queues_pbxbridge.conf" => text.Replace("Stasis:pbxbridge-", $"Stasis:{v.App}-", StringComparison.Ordinal),
                "README.md" => text.Replace("Stasis(pbxbridge,", $"Stasis({v.App},", StringComparison.Ordinal),
                _ => text,
            };
            files.Add(new PbxConfigFile(name, text));
        }

        return files;
    }

    private static string Read(string name)
    {
        using var stream = typeof(AsteriskConfigRenderer).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"embedded {name} missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Replace the value of <paramref name="key"/> in <paramref name="section"/>, keeping its trailing comment.</summary>
    internal static string SetValue(string text, string section, string key, string value)
    {
        var lines = text.Split('\n');
        var current = "";
        var found = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith('['))
            {
                var end = trimmed.IndexOf(']', StringComparison.Ordinal);
                current = end > 0 ? trimmed[1..end] : current;
                continue;
            }

            if (current != section || trimmed.StartsWith(';'))
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || line[..eq].Trim() != key)
            {
                continue;
            }

            var comment = line.IndexOf(';', eq);
            var oldValue = comment < 0 ? line[(eq + 1)..] : line[(eq + 1)..comment];
            var padded = " " + value;
            var width = oldValue.TrimEnd('\r').Length;
            if (comment >= 0 && padded.Length < width)
            {
                padded = padded.PadRight(width);
            }
            else if (comment >= 0)
            {
                padded += " ";
            }

            lines[i] = line[..(eq + 1)] + padded + (comment < 0 ? (line.EndsWith('\r') ? "\r" : "") : line[comment..]);
            found = true;
        }

        return found ? string.Join('\n', lines) : throw new InvalidOperationException($"[{section}] {key} not found in the shipped file");
    }

    private static string RenameSection(string text, string from, string to) =>
        text.Replace($"\n[{from}]", $"\n[{to}]", StringComparison.Ordinal);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
