using System.Text;

namespace PbxBridge.Sip.Auth;

/// <summary>A WWW-Authenticate / Proxy-Authenticate Digest challenge (RFC 3261 §22.4, RFC 8760).</summary>
public sealed record DigestChallenge(string Realm, string Nonce, DigestAlgorithm Algorithm, string? Qop = "auth", bool Stale = false, string? Opaque = null)
{
    public string ToHeaderValue()
    {
        var sb = new StringBuilder("Digest realm=\"").Append(Realm).Append("\", nonce=\"").Append(Nonce).Append('"');
        if (Opaque is not null)
        {
            sb.Append(", opaque=\"").Append(Opaque).Append('"');
        }

        sb.Append(", algorithm=").Append(DigestAlgorithms.Name(Algorithm));
        if (Qop is not null)
        {
            sb.Append(", qop=\"").Append(Qop).Append('"');
        }

        if (Stale)
        {
            sb.Append(", stale=true");
        }

        return sb.ToString();
    }

    public static bool TryParse(string headerValue, out DigestChallenge? challenge)
    {
        challenge = null;
        if (!DigestParameters.TryParse(headerValue, out var p) || !p.TryGetValue("realm", out var realm) || !p.TryGetValue("nonce", out var nonce)
            || !DigestAlgorithms.TryParse(p.GetValueOrDefault("algorithm"), out var algorithm))
        {
            return false;
        }

        challenge = new DigestChallenge(realm, nonce, algorithm, p.GetValueOrDefault("qop"),
            string.Equals(p.GetValueOrDefault("stale"), "true", StringComparison.OrdinalIgnoreCase), p.GetValueOrDefault("opaque"));
        return true;
    }
}
