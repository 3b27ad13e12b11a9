using System.Text;

namespace PbxBridge.Sip.Auth;

/// <summary>The Authorization / Proxy-Authorization Digest credentials a client sends (RFC 3261 §22.4).</summary>
public sealed record DigestCredentials(
    string Username, string Realm, string Nonce, string Uri, string Response, DigestAlgorithm Algorithm,
    string? Qop, string? Cnonce, string? NonceCount, string? Opaque)
{
    public static bool TryParse(string headerValue, out DigestCredentials? credentials, out string? error)
    {
        credentials = null;
        if (!DigestParameters.TryParse(headerValue, out var p))
        {
            error = "not Digest credentials";
            return false;
        }

        if (!p.TryGetValue("username", out var username) || !p.TryGetValue("realm", out var realm) || !p.TryGetValue("nonce", out var nonce)
            || !p.TryGetValue("uri", out var uri) || !p.TryGetValue("response", out var response))
        {
            error = "incomplete Digest credentials";
            return false;
        }

        if (!DigestAlgorithms.TryParse(p.GetValueOrDefault("algorithm"), out var algorithm))
        {
            error = "unsupported digest algorithm";
            return false;
        }

        var qop = p.GetValueOrDefault("qop");
        if (qop is not null && (!p.ContainsKey("cnonce") || !p.ContainsKey("nc")))
        {
            error = "qop without cnonce or nc";
            return false;
        }

        credentials = new DigestCredentials(username, realm, nonce, uri, response, algorithm, qop, p.GetValueOrDefault("cnonce"),
            p.GetValueOrDefault("nc"), p.GetValueOrDefault("opaque"));
        error = null;
        return true;
    }

    public string ToHeaderValue()
    {
        var sb = new StringBuilder("Digest algorithm=").Append(DigestAlgorithms.Name(Algorithm))
            .Append(", username=\"").Append(Username).Append("\", realm=\"").Append(Realm)
            .Append("\", nonce=\"").Append(Nonce).Append("\", uri=\"").Append(Uri).Append("\", response=\"").Append(Response).Append('"');
        if (Opaque is not null)
        {
            sb.Append(", opaque=\"").Append(Opaque).Append('"');
        }

        if (Qop is not null)
        {
            sb.Append(", qop=").Append(Qop).Append(", cnonce=\"").Append(Cnonce).Append("\", nc=").Append(NonceCount);
        }

        return sb.ToString();
    }
}
