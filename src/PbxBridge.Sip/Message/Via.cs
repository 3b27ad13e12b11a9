using System.Globalization;
using System.Text;

namespace PbxBridge.Sip.Message;

/// <summary>One via-parm (RFC 3261 §20.42): sent-protocol, sent-by and parameters. <see cref="Raw"/> keeps the
/// text as received, because responses must echo it byte for byte (SIP.js compares it).</summary>
public sealed class Via
{
    /// <summary>RFC 3261 §8.1.1.7: branches of 3261-compliant elements start with this cookie.</summary>
    public const string MagicCookie = "z9hG4bK";

    public Via(string transport, string host, int? port, string branch)
    {
        Transport = transport;
        Host = host;
        Port = port;
        Parameters.Set("branch", branch);
        Raw = ToString();
    }

    private Via(string transport, string host, int? port, SipParameters parameters, string raw)
    {
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters;
        Raw = raw;
    }

    public string Transport { get; }

    public string Host { get; }

    public int? Port { get; }

    public SipParameters Parameters { get; } = new();

    public string Raw { get; }

    public string? Branch => Parameters.Get("branch");

    public bool IsRfc3261Branch => Branch is { } b && b.StartsWith(MagicCookie, StringComparison.Ordinal);

    public static bool TryParse(string text, out Via? via, out string? error)
    {
        via = null;
        var s = text.Trim();
        var i = 0;
        if (!ReadToken(s, ref i, out var protocol) || !Expect(s, ref i, '/') || !ReadToken(s, ref i, out var version)
            || !Expect(s, ref i, '/') || !ReadToken(s, ref i, out var transport))
        {
            error = "malformed sent-protocol";
            return false;
        }

        if (!string.Equals(protocol, "SIP", StringComparison.OrdinalIgnoreCase) || version != "2.0")
        {
            error = "unsupported Via protocol";
            return false;
        }

        SkipLws(s, ref i);
        var hostStart = i;
        while (i < s.Length && s[i] != ';' && !SipSyntax.IsLws(s[i]))
        {
            i++;
        }

        if (!SipUri.TrySplitHostPort(s[hostStart..i], out var host, out var port, out error))
        {
            return false;
        }

        if (!SipParameters.TryParse(s[i..], out var parameters, out error))
        {
            return false;
        }

        via = new Via(transport.ToUpperInvariant(), host, port, parameters, s);
        return true;
    }

    private static bool ReadToken(string s, ref int i, out string token)
    {
        SkipLws(s, ref i);
        var start = i;
        while (i < s.Length && SipSyntax.IsTokenChar(s[i]))
        {
            i++;
        }

        token = s[start..i];
        return token.Length > 0;
    }

    private static bool Expect(string s, ref int i, char c)
    {
        SkipLws(s, ref i);
        if (i < s.Length && s[i] == c)
        {
            i++;
            return true;
        }

        return false;
    }

    private static void SkipLws(string s, ref int i)
    {
        while (i < s.Length && SipSyntax.IsLws(s[i]))
        {
            i++;
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder("SIP/2.0/").Append(Transport).Append(' ').Append(Host);
        if (Port is int port)
        {
            sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append(Parameters).ToString();
    }
}
