using System.Security.Cryptography;
using System.Text;

namespace PbxBridge.Sip.Auth;

/// <summary>Digest response computation and verification (RFC 7616 §3.4.1 with qop=auth, and RFC 2617's
/// qop-less form for old clients). Works from HA1, never from a password.</summary>
public static class DigestAuthenticator
{
    public static string ComputeResponse(DigestAlgorithm algorithm, string ha1, string nonce, string? nonceCount, string? cnonce, string? qop, string method, string uri)
    {
        var ha2 = DigestAlgorithms.HashHex(algorithm, method + ":" + uri);
        var input = qop is null
            ? ha1 + ":" + nonce + ":" + ha2
            : ha1 + ":" + nonce + ":" + nonceCount + ":" + cnonce + ":" + qop + ":" + ha2;
        return DigestAlgorithms.HashHex(algorithm, input);
    }

    /// <summary>True when the credentials prove knowledge of <paramref name="ha1"/> for this request method.</summary>
    public static bool Verify(DigestCredentials credentials, string ha1, string method)
    {
        if (credentials.Qop is not null && !string.Equals(credentials.Qop, "auth", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var expected = ComputeResponse(credentials.Algorithm, ha1.ToLowerInvariant(), credentials.Nonce, credentials.NonceCount, credentials.Cnonce,
            credentials.Qop, method, credentials.Uri);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(credentials.Response.ToLowerInvariant()));
    }

    /// <summary>Answers a challenge as a client would (used by our own UAC and by the tests).</summary>
    public static DigestCredentials Answer(DigestChallenge challenge, string username, string ha1, string method, string uri, string cnonce, uint nonceCount)
    {
        var qop = challenge.Qop is not null ? "auth" : null;
        var nc = qop is null ? null : nonceCount.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var response = ComputeResponse(challenge.Algorithm, ha1, challenge.Nonce, nc, qop is null ? null : cnonce, qop, method, uri);
        return new DigestCredentials(username, challenge.Realm, challenge.Nonce, uri, response, challenge.Algorithm, qop, qop is null ? null : cnonce, nc, challenge.Opaque);
    }
}
