using System.Globalization;
using System.Text;

namespace PbxBridge.Asterisk.Ari;

/// <summary>Builds an ARI query string; parameters with null values are left out.</summary>
internal sealed class AriQuery
{
    private readonly StringBuilder _text = new();

    public AriQuery Add(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _text.Append(_text.Length == 0 ? '?' : '&')
            .Append(name)
            .Append('=')
            .Append(Uri.EscapeDataString(value));
        return this;
    }

    public AriQuery Add(string name, int? value) =>
        value is null ? this : Add(name, value.Value.ToString(CultureInfo.InvariantCulture));

    public override string ToString() => _text.ToString();
}
