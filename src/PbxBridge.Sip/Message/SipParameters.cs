using System.Text;

namespace PbxBridge.Sip.Message;

/// <summary>An ordered list of ";name[=value]" parameters (header params or uri-parameters); names compare
/// case-insensitively as RFC 3261 §7.3.1 says.</summary>
public sealed class SipParameters
{
    private readonly List<KeyValuePair<string, string?>> _items = [];

    public int Count => _items.Count;

    public IReadOnlyList<KeyValuePair<string, string?>> Items => _items;

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The value, "" for a parameter without value, null when absent.</summary>
    public string? Get(string name)
    {
        var i = IndexOf(name);
        return i < 0 ? null : _items[i].Value ?? string.Empty;
    }

    public void Set(string name, string? value)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            _items[i] = new(name, value);
        }
        else
        {
            _items.Add(new(name, value));
        }
    }

    public void Remove(string name)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            _items.RemoveAt(i);
        }
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in _items)
        {
            sb.Append(';').Append(name);
            if (value is not null)
            {
                sb.Append('=').Append(value);
            }
        }

        return sb.ToString();
    }

    /// <summary>Parses "; a = b ;c" (LWS allowed around ';' and '='). Values may be tokens, hosts or
    /// quoted strings (kept with their quotes). Empty parameters (";;") are a syntax error.</summary>
    public static bool TryParse(string text, out SipParameters parameters, out string? error)
    {
        parameters = new SipParameters();
        error = null;
        var s = text.Trim();
        if (s.Length == 0)
        {
            return true;
        }

        if (s[0] != ';')
        {
            error = "parameters must start with ';'";
            return false;
        }

        var i = 1;
        while (true)
        {
            SkipLws(s, ref i);
            var nameStart = i;
            while (i < s.Length && SipSyntax.IsTokenChar(s[i]))
            {
                i++;
            }

            if (i == nameStart)
            {
                error = "empty or malformed parameter";
                return false;
            }

            var name = s[nameStart..i];
            SkipLws(s, ref i);
            string? value = null;
            if (i < s.Length && s[i] == '=')
            {
                i++;
                SkipLws(s, ref i);
                if (i < s.Length && s[i] == '"')
                {
                    var qStart = i;
                    if (!SipSyntax.TryReadQuoted(s, ref i, out _))
                    {
                        error = "unterminated quoted parameter value";
                        return false;
                    }

                    value = s[qStart..i];
                }
                else
                {
                    var vStart = i;
                    while (i < s.Length && s[i] != ';' && !SipSyntax.IsLws(s[i]))
                    {
                        if (s[i] is '"' or '<' or '>' or ',')
                        {
                            error = "illegal character in parameter value";
                            return false;
                        }

                        i++;
                    }

                    if (i == vStart)
                    {
                        error = "parameter value missing after '='";
                        return false;
                    }

                    value = s[vStart..i];
                }

                SkipLws(s, ref i);
            }

            parameters._items.Add(new(name, value));
            if (i >= s.Length)
            {
                return true;
            }

            if (s[i] != ';')
            {
                error = "unexpected character after parameter";
                return false;
            }

            i++;
        }
    }

    private static void SkipLws(string s, ref int i)
    {
        while (i < s.Length && SipSyntax.IsLws(s[i]))
        {
            i++;
        }
    }
}
