using PbxBridge.Sip.Message;

namespace PbxBridge.Sip.Refer;

/// <summary>
/// The Refer-To of a REFER (RFC 3515 §2.1): exactly one name-addr or addr-spec, a SIP URI here. A blind transfer names
/// the target (<c>sip:1002@host</c>); an attended one adds the consultation dialog as an escaped header of the URI,
/// <c>&lt;sip:1002@host?Replaces=callid%3Bto-tag%3Dx%3Bfrom-tag%3Dy&gt;</c> (RFC 3891 §7), as JsSIP's
/// <c>refer(target, {replaces})</c> and SIP.js's <c>refer(session)</c> send it.
/// </summary>
public sealed class ReferTo
{
    private ReferTo(NameAddr address, SipUri uri, Replaces? replaces)
    {
        Address = address;
        Uri = uri;
        Replaces = replaces;
    }

    public NameAddr Address { get; }

    public SipUri Uri { get; }

    /// <summary>The user part of the target URI: the number or agent the far party goes to.</summary>
    public string? User => Uri.User;

    /// <summary>The consultation dialog to replace, for an attended transfer; null for a blind one.</summary>
    public Replaces? Replaces { get; }

    /// <summary>Parses the Refer-To values of a REFER: anything but exactly one SIP URI is an error (RFC 3515 §2.4.1).</summary>
    public static bool TryParse(IReadOnlyList<string> values, out ReferTo? value, out string? error)
    {
        value = null;
        if (values.Count != 1)
        {
            error = values.Count == 0 ? "REFER without Refer-To" : "REFER with more than one Refer-To";
            return false;
        }

        if (!NameAddr.TryParse(values[0], out var address, out error))
        {
            return false;
        }

        if (address!.Uri is not { } uri)
        {
            error = "Refer-To is not a SIP URI";
            return false;
        }

        Replaces? replaces = null;
        if (uri.Headers is { } headers)
        {
            foreach (var header in headers.Split('&'))
            {
                var eq = header.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && header[..eq].Equals("Replaces", StringComparison.OrdinalIgnoreCase))
                {
                    if (!Refer.Replaces.TryParse(System.Uri.UnescapeDataString(header[(eq + 1)..]), out replaces, out error))
                    {
                        return false;
                    }
                }
            }
        }

        value = new ReferTo(address, uri, replaces);
        error = null;
        return true;
    }
}
