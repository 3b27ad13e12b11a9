using System.Security.Cryptography;
using System.Text;

namespace PbxBridge.Sip.Auth;

/// <summary>The digest hash algorithms of RFC 8760 (SIP) / RFC 7616 that the registrar offers.</summary>
public enum DigestAlgorithm
{
    Md5,
    Sha256,
}

/// <summary>Names and hashing for <see cref="DigestAlgorithm"/>.</summary>
public static class DigestAlgorithms
{
    public static string Name(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5";

    /// <summary>Parses the algorithm parameter; absent means MD5 (RFC 2617 §3.2.1).</summary>
    public static bool TryParse(string? name, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (name is null || name.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (name.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256;
            return true;
        }

        return false;
    }

    /// <summary>Lower-case hex of H(text), as digest requires.</summary>
    public static string HashHex(DigestAlgorithm algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = algorithm == DigestAlgorithm.Sha256 ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(hash);
    }
}
