using System.Text;

namespace PbxBridge.Sip.Message;

/// <summary>name-addr / addr-spec with header parameters (RFC 3261 §20.10, §25.1): the value of From, To,
/// Contact, Route and Record-Route. Non-SIP URIs are kept as text (RFC 4475 §3.3.4 sends isbn:, http:, name:).</summary>
public sealed class NameAddr
{
    public NameAddr(string uriText, string? displayName = null)
    {
        UriText = uriText;
        DisplayName = displayName;
        if (SipUri.IsSipScheme(uriText) && SipUri.TryParse(uriText, out var uri, out _))
        {
            Uri = uri;
        }
    }

    public NameAddr(SipUri uri, string? displayName = null)
    {
        Uri = uri;
        UriText = uri.ToString();
        DisplayName = displayName;
    }

    /// <summary>Unquoted display name, or null when there is none.</summary>
    public string? DisplayName { get; }

    /// <summary>The URI as received (escaped).</summary>
    public string UriText { get; }

    /// <summary>The parsed URI when the scheme is sip or sips.</summary>
    public SipUri? Uri { get; }

    public SipParameters Parameters { get; private set; } = new();

    public string? Tag => Parameters.Get("tag") is { Length: > 0 } tag ? tag : null;

    public static NameAddr Parse(string text) =>
        TryParse(text, out var value, out var error) ? value! : throw new FormatException(error);

    public static bool TryParse(string text, out NameAddr? value, out string? error)
    {
        value = null;
        var s = text.Trim();
        string? display = null;
        string uriText;
        string paramText;
        var i = 0;
        if (s.Length > 0 && s[0] == '"')
        {
            if (!SipSyntax.TryReadQuoted(s, ref i, out var quoted))
            {
                error = "unterminated quoted display name";
                return false;
            }

            display = quoted;
            while (i < s.Length && SipSyntax.IsLws(s[i]))
            {
                i++;
            }

            if (i >= s.Length || s[i] != '<')
            {
                error = "display name not followed by <URI>";
                return false;
            }
        }
        else
        {
            var lt = s.IndexOf('<', StringComparison.Ordinal);
            if (lt >= 0)
            {
                var name = s[..lt].Trim();
                if (name.Length > 0)
                {
                    // Unquoted display-name = *(token LWS); lwsdisp (RFC 4475 §3.1.1.6) omits the LWS before '<'.
                    foreach (var word in name.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!SipSyntax.IsToken(word))
                        {
                            error = "display name contains non-token characters and is not quoted";
                            return false;
                        }
                    }

                    display = name;
                }

                i = lt;
            }
            else
            {
                i = -1;
            }
        }

        if (i >= 0)
        {
            var gt = s.IndexOf('>', i);
            if (gt < 0)
            {
                error = "missing '>'";
                return false;
            }

            uriText = s[(i + 1)..gt];
            paramText = s[(gt + 1)..];
        }
        else
        {
            // addr-spec form: the URI ends at the first ';' and may carry neither '?' nor ',' (RFC 3261 §20).
            var semi = s.IndexOf(';', StringComparison.Ordinal);
            uriText = (semi >= 0 ? s[..semi] : s).Trim();
            paramText = semi >= 0 ? s[semi..] : string.Empty;
            if (uriText.Contains('?', StringComparison.Ordinal))
            {
                error = "URI with headers must be enclosed in <>";
                return false;
            }
        }

        if (SipUri.IsSipScheme(uriText))
        {
            if (!SipUri.TryParse(uriText, out _, out error))
            {
                return false;
            }
        }
        else if (!SipUri.IsAbsoluteUri(uriText))
        {
            error = "malformed URI";
            return false;
        }

        if (!SipParameters.TryParse(paramText, out var parameters, out error))
        {
            return false;
        }

        value = new NameAddr(uriText, display) { Parameters = parameters };
        return true;
    }

    public NameAddr WithTag(string tag)
    {
        var copy = new NameAddr(UriText, DisplayName) { Parameters = new SipParameters() };
        foreach (var (name, v) in Parameters.Items)
        {
            copy.Parameters.Set(name, v);
        }

        copy.Parameters.Set("tag", tag);
        return copy;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(DisplayName))
        {
            sb.Append(SipSyntax.Quote(DisplayName)).Append(' ');
        }

        sb.Append('<').Append(UriText).Append('>').Append(Parameters);
        return sb.ToString();
    }
}
