using System.Globalization;

namespace PbxBridge.Sip.Message;

/// <summary>
/// The Reason header (RFC 3326) carrying a Q.850 cause, "Q.850;cause=16;text=\"NORMAL_CLEARING\"": what we send the
/// browser and FreeSWITCH with a failure or BYE, and what FreeSWITCH sends us.
/// </summary>
public static class SipReason
{
    /// <summary>The header value for <paramref name="cause"/>; quotes in <paramref name="text"/> are dropped (it is a quoted-string).</summary>
    public static string Q850(int cause, string text) =>
        string.Create(CultureInfo.InvariantCulture, $"Q.850;cause={cause};text=\"{text.Replace("\"", string.Empty, StringComparison.Ordinal)}\"");

    /// <summary>Reads a Q.850 Reason: false for another protocol (SIP;cause=200) or one without a cause number.</summary>
    public static bool TryParseQ850(string? header, out int cause, out string? text)
    {
        cause = 0;
        text = null;
        if (header is null || !header.TrimStart().StartsWith("Q.850", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var found = false;
        foreach (var part in header.Split(';'))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length == 2 && kv[0].Equals("cause", StringComparison.OrdinalIgnoreCase))
            {
                found = int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out cause);
            }
            else if (kv.Length == 2 && kv[0].Equals("text", StringComparison.OrdinalIgnoreCase))
            {
                text = kv[1].Trim('"');
            }
        }

        return found;
    }
}
