using System.Buffers;
using System.Text;

namespace PbxBridge.Sip.Message;

/// <summary>Character classes and small scanners from the RFC 3261 §25 grammar shared by the header parsers.</summary>
internal static class SipSyntax
{
    private static readonly SearchValues<char> LineBreaking = SearchValues.Create("\r\n");

    /// <summary>token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")</summary>
    public static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsLws(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Splits a header value on top-level commas (not inside quotes or angle brackets).
    /// Returns false when an element is empty ("a,,b") or a quote or bracket is left open.</summary>
    public static bool TrySplitList(string value, List<string> parts)
    {
        var inQuotes = false;
        var inAngle = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inQuotes = true;
                    break;
                case '<':
                    inAngle = true;
                    break;
                case '>':
                    inAngle = false;
                    break;
                case ',' when !inAngle:
                    if (!AddPart(value, start, i, parts))
                    {
                        return false;
                    }

                    start = i + 1;
                    break;
            }
        }

        if (inQuotes || inAngle)
        {
            return false;
        }

        return AddPart(value, start, value.Length, parts);
    }

    private static bool AddPart(string value, int start, int end, List<string> parts)
    {
        var part = value.AsSpan(start, end - start).Trim();
        if (part.IsEmpty)
        {
            return false;
        }

        parts.Add(part.ToString());
        return true;
    }

    /// <summary>Reads a quoted-string starting at <paramref name="index"/> (on the opening quote) and returns its
    /// unescaped content; index ends after the closing quote. False when unterminated.</summary>
    public static bool TryReadQuoted(string s, ref int index, out string content)
    {
        var sb = new StringBuilder();
        for (var i = index + 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && i + 1 < s.Length)
            {
                sb.Append(s[i + 1]);
                i++;
            }
            else if (c == '"')
            {
                index = i + 1;
                content = sb.ToString();
                return true;
            }
            else
            {
                sb.Append(c);
            }
        }

        content = string.Empty;
        return false;
    }

    /// <summary>
    /// A quoted-string (RFC 3261 §25.1). Quotes and backslashes are escaped; control characters are replaced by a
    /// space: quoted-pair cannot carry CR or LF at all, and a display name from a PBX's caller-id (ARI, ESL, the demo
    /// API) that held "\r\n" would otherwise end the header and start new ones (header injection).
    /// </summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            if (char.IsControl(c))
            {
                sb.Append(' ');
                continue;
            }

            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Appends a start line, header name or header value so that it stays one line: CR and LF become a space. Other
    /// characters are left as they are: they cannot end a line, and a value the parser accepted must parse again.
    /// The last line of defence behind every header builder; values we build need no folding (RFC 3261 §7.3.1
    /// deprecates it) and a parsed value's folding is whitespace anyway.
    /// </summary>
    public static StringBuilder AppendOneLine(StringBuilder sb, string value)
    {
        if (value.AsSpan().IndexOfAny(LineBreaking) < 0)
        {
            return sb.Append(value);
        }

        foreach (var c in value)
        {
            sb.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return sb;
    }

    /// <summary>%HH decoding (RFC 3261 "escaped"); a '%' not followed by two hex digits stays literal.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('%', StringComparison.Ordinal))
        {
            return s;
        }

        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '%' && i + 2 < s.Length && Uri.IsHexDigit(s[i + 1]) && Uri.IsHexDigit(s[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Escapes everything outside <paramref name="allowed"/> plus unreserved characters as %HH.</summary>
    public static string Escape(string s, string allowed)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || "-_.!~*'()".Contains(c, StringComparison.Ordinal) || allowed.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>Parses digits only (no sign, no spaces) into a bounded unsigned value.</summary>
    public static bool TryParseDigits(ReadOnlySpan<char> s, ulong max, out ulong value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 20)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            var next = (value * 10) + (ulong)(c - '0');
            if (next < value || next > max)
            {
                return false;
            }

            value = next;
        }

        return true;
    }
}
