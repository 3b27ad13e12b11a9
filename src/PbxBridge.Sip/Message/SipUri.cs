using System.Globalization;
using System.Text;

namespace PbxBridge.Sip.Message;

/// <summary>A SIP or SIPS URI (RFC 3261 §19.1): user and password %HH-unescaped, host (IPv6 references kept in
/// brackets), port, uri-parameters and the raw headers part.</summary>
public sealed class SipUri
{
    public SipUri(string scheme, string? user, string host, int? port = null)
    {
        Scheme = scheme;
        User = user;
        Host = host;
        Port = port;
    }

    public string Scheme { get; }

    /// <summary>Unescaped user part (may contain ';', '@' or NUL after unescaping), or null.</summary>
    public string? User { get; set; }

    public string? Password { get; private set; }

    public string Host { get; }

    public int? Port { get; }

    public SipParameters Parameters { get; private set; } = new();

    /// <summary>The "?h=v&amp;..." part without '?', escaped as received; null when absent.</summary>
    public string? Headers { get; private set; }

    public string? Transport => Parameters.Get("transport");

    public static bool IsSipScheme(string uriText) =>
        uriText.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || uriText.StartsWith("sips:", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for characters that can never appear inside a URI on the wire (LWS, controls, quotes, brackets).</summary>
    public static bool HasIllegalCharacters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c <= ' ' || c == '\u007f' || c is '<' or '>' or '"')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Any absolute URI (scheme ":" opaque part), for the non-SIP URIs RFC 4475 §3.3 sends.</summary>
    public static bool IsAbsoluteUri(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1 || !char.IsAsciiLetter(text[0]) || HasIllegalCharacters(text))
        {
            return false;
        }

        for (var i = 1; i < colon; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    public static SipUri Parse(string text) =>
        TryParse(text, out var uri, out var error) ? uri! : throw new FormatException(error);

    public static bool TryParse(string text, out SipUri? uri, out string? error)
    {
        uri = null;
        if (HasIllegalCharacters(text))
        {
            error = "illegal character in URI";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = "URI without scheme";
            return false;
        }

        var scheme = text[..colon].ToLowerInvariant();
        if (scheme is not ("sip" or "sips"))
        {
            error = "not a sip or sips URI";
            return false;
        }

        var rest = text[(colon + 1)..];
        string? user = null;
        string? password = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var pw = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (pw >= 0)
            {
                password = SipSyntax.Unescape(userInfo[(pw + 1)..]);
                userInfo = userInfo[..pw];
            }

            if (userInfo.Length == 0)
            {
                error = "empty user part";
                return false;
            }

            user = SipSyntax.Unescape(userInfo);
        }

        string? headers = null;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            headers = rest[(q + 1)..];
            rest = rest[..q];
        }

        var semi = rest.IndexOf(';', StringComparison.Ordinal);
        var hostPort = semi >= 0 ? rest[..semi] : rest;
        var paramText = semi >= 0 ? rest[semi..] : string.Empty;
        if (!TrySplitHostPort(hostPort, out var host, out var port, out error))
        {
            return false;
        }

        var parameters = new SipParameters();
        if (paramText.Length > 0)
        {
            foreach (var p in paramText[1..].Split(';'))
            {
                if (p.Length == 0)
                {
                    error = "empty uri-parameter";
                    return false;
                }

                var eq = p.IndexOf('=', StringComparison.Ordinal);
                var name = SipSyntax.Unescape(eq >= 0 ? p[..eq] : p);
                var value = eq >= 0 ? SipSyntax.Unescape(p[(eq + 1)..]) : null;
                if (name.Length == 0)
                {
                    error = "empty uri-parameter name";
                    return false;
                }

                parameters.Set(name, value);
            }
        }

        uri = new SipUri(scheme, user, host, port) { Password = password, Parameters = parameters, Headers = headers };
        error = null;
        return true;
    }

    internal static bool TrySplitHostPort(string hostPort, out string host, out int? port, out string? error)
    {
        host = string.Empty;
        port = null;
        error = null;
        string portText;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "unterminated IPv6 reference";
                return false;
            }

            host = hostPort[..(close + 1)];
            foreach (var c in host.AsSpan(1, host.Length - 2))
            {
                if (!(Uri.IsHexDigit(c) || c is ':' or '.'))
                {
                    error = "bad IPv6 reference";
                    return false;
                }
            }

            portText = hostPort[(close + 1)..];
            if (portText.Length > 0 && portText[0] != ':')
            {
                error = "garbage after IPv6 reference";
                return false;
            }
        }
        else
        {
            var c = hostPort.IndexOf(':', StringComparison.Ordinal);
            host = c >= 0 ? hostPort[..c] : hostPort;
            portText = c >= 0 ? hostPort[c..] : string.Empty;
            if (host.Length == 0)
            {
                error = "empty host";
                return false;
            }

            foreach (var ch in host)
            {
                if (!(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' or '_'))
                {
                    error = "illegal character in host";
                    return false;
                }
            }
        }

        if (portText.Length > 0)
        {
            if (!SipSyntax.TryParseDigits(portText.AsSpan(1), 65535, out var p))
            {
                error = "bad port";
                return false;
            }

            port = (int)p;
        }

        return true;
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Scheme).Append(':');
        if (User is not null)
        {
            // user = 1*( unreserved / escaped / user-unreserved ), user-unreserved = & = + $ , ; ? /
            sb.Append(SipSyntax.Escape(User, "&=+$,;?/"));
            if (Password is not null)
            {
                sb.Append(':').Append(SipSyntax.Escape(Password, "&=+$,"));
            }

            sb.Append('@');
        }

        sb.Append(Host);
        if (Port is int port)
        {
            sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, value) in Parameters.Items)
        {
            sb.Append(';').Append(SipSyntax.Escape(name, "[]/:&+$"));
            if (value is not null)
            {
                sb.Append('=').Append(SipSyntax.Escape(value, "[]/:&+$"));
            }
        }

        if (Headers is not null)
        {
            sb.Append('?').Append(Headers);
        }

        return sb.ToString();
    }
}
