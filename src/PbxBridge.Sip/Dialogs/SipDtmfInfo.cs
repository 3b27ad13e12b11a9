using System.Globalization;

namespace PbxBridge.Sip.Dialogs;

/// <summary>DTMF carried in INFO bodies: application/dtmf-relay ("Signal=5\r\nDuration=160", JsSIP's default) and
/// application/dtmf (just the key).</summary>
public static class SipDtmfInfo
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMilliseconds(250);

    public static bool IsDtmfContentType(string? contentType) =>
        contentType is not null && (MediaType(contentType) is "application/dtmf-relay" or "application/dtmf");

    public static bool TryParse(string? contentType, string body, out char digit, out TimeSpan duration)
    {
        digit = '\0';
        duration = DefaultDuration;
        if (contentType is null)
        {
            return false;
        }

        var type = MediaType(contentType);
        if (type == "application/dtmf")
        {
            return TryDigit(body.Trim(), out digit);
        }

        if (type != "application/dtmf-relay")
        {
            return false;
        }

        var found = false;
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var name = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (name.Equals("Signal", StringComparison.OrdinalIgnoreCase))
            {
                found = TryDigit(value, out digit);
            }
            else if (name.Equals("Duration", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms is > 0 and <= 60_000)
            {
                duration = TimeSpan.FromMilliseconds(ms);
            }
        }

        return found;
    }

    private static string MediaType(string contentType) =>
        contentType.Split(';')[0].Trim().ToLowerInvariant();

    private static bool TryDigit(string value, out char digit)
    {
        digit = '\0';
        switch (value)
        {
            case "10":
                digit = '*';
                return true;
            case "11":
                digit = '#';
                return true;
        }

        if (value.Length == 1 && (char.IsAsciiDigit(value[0]) || value[0] is '*' or '#' || char.ToUpperInvariant(value[0]) is >= 'A' and <= 'D'))
        {
            digit = char.ToUpperInvariant(value[0]);
            return true;
        }

        return false;
    }
}
