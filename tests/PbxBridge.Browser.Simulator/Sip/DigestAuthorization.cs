using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace PbxBridge.Browser.Simulator.Sip;

/// <summary>
/// The client half of SIP digest (RFC 3261 §22.4, RFC 2617 qop=auth): answers one MD5 challenge the way JsSIP does.
/// PbxBridge offers SHA-256 and MD5 challenges (RFC 8760); browsers keep the MD5 one, so the load does too.
/// </summary>
internal static partial class DigestAuthorization
{
    /// <summary>Picks the MD5 challenge among the WWW-/Proxy-Authenticate values, or null.</summary>
    public static IReadOnlyDictionary<string, string>? FindMd5Challenge(IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            var parameters = Parse(value);
            if (!parameters.TryGetValue("algorithm", out var algorithm) || algorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase))
            {
                return parameters;
            }
        }

        return null;
    }

    public static string Answer(IReadOnlyDictionary<string, string> challenge, string user, string password, string method, string uri)
    {
        var realm = challenge["realm"];
        var nonce = challenge["nonce"];
        var cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        const string nc = "00000001";
        var ha1 = Md5Hex($"{user}:{realm}:{password}");
        var ha2 = Md5Hex($"{method}:{uri}");
        var response = Md5Hex($"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}");
        var header = new StringBuilder();
        header.Append(CultureInfo.InvariantCulture,
            $"Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=MD5, cnonce=\"{cnonce}\", qop=auth, nc={nc}");
        if (challenge.TryGetValue("opaque", out var opaque))
        {
            header.Append(CultureInfo.InvariantCulture, $", opaque=\"{opaque}\"");
        }

        return header.ToString();
    }

    public static string Md5Hex(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static Dictionary<string, string> Parse(string headerValue)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = headerValue.Trim();
        if (text.StartsWith("Digest", StringComparison.OrdinalIgnoreCase))
        {
            text = text[6..];
        }

        foreach (Match match in ParameterPattern().Matches(text))
        {
            result[match.Groups["name"].Value] = match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["token"].Value;
        }

        return result;
    }

    [GeneratedRegex("(?<name>[A-Za-z0-9-]+)\\s*=\\s*(?:\"(?<quoted>[^\"]*)\"|(?<token>[^,\\s]+))")]
    private static partial Regex ParameterPattern();
}
