using System.Globalization;
using System.Text;

namespace PbxBridge.Sip.Message;

/// <summary>A SIP request or response (RFC 3261 §7): start line, header fields and an opaque body.</summary>
public abstract class SipMessage
{
    public SipHeaders Headers { get; } = new();

    public byte[] Body { get; set; } = [];

    public string BodyText
    {
        get => Encoding.UTF8.GetString(Body);
        set => Body = Encoding.UTF8.GetBytes(value);
    }

    public string? CallId => Headers.Get(SipHeaderNames.CallId)?.Trim();

    public NameAddr? From => ParseAddress(SipHeaderNames.From);

    public NameAddr? To => ParseAddress(SipHeaderNames.To);

    public CSeq? CSeq => Headers.Get(SipHeaderNames.CSeq) is { } v && Message.CSeq.TryParse(v, out var c, out _) ? c : null;

    public string? ContentType => Headers.Get(SipHeaderNames.ContentType)?.Trim();

    /// <summary>The Via header values in order, topmost first.</summary>
    public List<Via> Vias
    {
        get
        {
            var list = new List<Via>();
            foreach (var v in Headers.GetList(SipHeaderNames.Via))
            {
                if (Via.TryParse(v, out var via, out _))
                {
                    list.Add(via!);
                }
            }

            return list;
        }
    }

    public Via? TopVia => Vias is { Count: > 0 } vias ? vias[0] : null;

    /// <summary>The Contact values ("*" is returned as a null entry is not useful here, so it is skipped).</summary>
    public List<NameAddr> Contacts => ParseAddressList(SipHeaderNames.Contact);

    public List<NameAddr> ParseAddressList(string header)
    {
        var list = new List<NameAddr>();
        foreach (var v in Headers.GetList(header))
        {
            if (v != "*" && NameAddr.TryParse(v, out var a, out _))
            {
                list.Add(a!);
            }
        }

        return list;
    }

    private NameAddr? ParseAddress(string header) =>
        Headers.Get(header) is { } v && NameAddr.TryParse(v, out var a, out _) ? a : null;

    protected abstract string StartLine { get; }

    /// <summary>Serializes with a Content-Length that matches the body (the field is always rewritten).</summary>
    public byte[] ToBytes()
    {
        var sb = SipSyntax.AppendOneLine(new StringBuilder(512), StartLine).Append("\r\n");
        foreach (var f in Headers.Fields)
        {
            if (string.Equals(f.Name, SipHeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Whatever a builder put in a field, it cannot end the field and start another (header injection).
            SipSyntax.AppendOneLine(sb, f.Name).Append(": ");
            SipSyntax.AppendOneLine(sb, f.Value).Append("\r\n");
        }

        sb.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var head = Encoding.UTF8.GetBytes(sb.ToString());
        if (Body.Length == 0)
        {
            return head;
        }

        var all = new byte[head.Length + Body.Length];
        head.CopyTo(all, 0);
        Body.CopyTo(all, head.Length);
        return all;
    }

    public override string ToString() => Encoding.UTF8.GetString(ToBytes());
}
