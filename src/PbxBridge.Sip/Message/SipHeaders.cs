namespace PbxBridge.Sip.Message;

/// <summary>The header fields of a message in wire order. Names are stored canonicalized (compact forms
/// expanded); values are kept verbatim. Multi-value headers may arrive as several lines or comma lists.</summary>
public sealed class SipHeaders
{
    private readonly List<SipHeaderField> _fields = [];

    public IReadOnlyList<SipHeaderField> Fields => _fields;

    public void Add(string name, string value) => _fields.Add(new(SipHeaderNames.Canonicalize(name), value));

    public void Set(string name, string value)
    {
        Remove(name);
        Add(name, value);
    }

    public void Remove(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        _fields.RemoveAll(f => string.Equals(f.Name, canonical, StringComparison.OrdinalIgnoreCase));
    }

    public bool Contains(string name) => Get(name) is not null;

    /// <summary>The first field value of that name, or null.</summary>
    public string? Get(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        foreach (var f in _fields)
        {
            if (string.Equals(f.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                return f.Value;
            }
        }

        return null;
    }

    /// <summary>Every field line of that name, verbatim.</summary>
    public List<string> GetFieldValues(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var list = new List<string>();
        foreach (var f in _fields)
        {
            if (string.Equals(f.Name, canonical, StringComparison.OrdinalIgnoreCase))
            {
                list.Add(f.Value);
            }
        }

        return list;
    }

    public int CountFields(string name) => GetFieldValues(name).Count;

    /// <summary>All values of a list header, comma-separated lines split into elements. Malformed lists yield
    /// false (the parser turns that into a 400).</summary>
    public bool TryGetList(string name, out List<string> values)
    {
        values = [];
        foreach (var line in GetFieldValues(name))
        {
            if (!SipSyntax.TrySplitList(line, values))
            {
                return false;
            }
        }

        return true;
    }

    public List<string> GetList(string name) => TryGetList(name, out var values) ? values : [];
}
