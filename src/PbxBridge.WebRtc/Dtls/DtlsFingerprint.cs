using System.Security.Cryptography;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// A certificate fingerprint as <c>a=fingerprint</c> carries it (RFC 8122 §5): a hash function name and the hash of
/// the DER certificate in uppercase hex pairs joined by colons.
/// </summary>
public sealed class DtlsFingerprint
{
    private readonly byte[] _value;

    private DtlsFingerprint(string algorithm, byte[] value)
    {
        Algorithm = algorithm;
        _value = value;
    }

    /// <summary>Lowercase hash function name: sha-256 (what browsers use), sha-1, sha-384 or sha-512.</summary>
    public string Algorithm { get; }

    public ReadOnlySpan<byte> Value => _value;

    public static DtlsFingerprint Of(string algorithm, ReadOnlySpan<byte> certificateDer)
    {
        var value = algorithm switch
        {
            "sha-1" => SHA1.HashData(certificateDer),
            "sha-256" => SHA256.HashData(certificateDer),
            "sha-384" => SHA384.HashData(certificateDer),
            "sha-512" => SHA512.HashData(certificateDer),
            _ => throw new ArgumentException($"unsupported fingerprint hash '{algorithm}'", nameof(algorithm)),
        };
        return new DtlsFingerprint(algorithm, value);
    }

    /// <summary>Parses the attribute value <c>sha-256 AB:CD:...</c>; false for unknown hashes or bad hex.</summary>
    public static bool TryParse(string attributeValue, out DtlsFingerprint fingerprint)
    {
        fingerprint = null!;
        var parts = attributeValue.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return false;
        }

        var algorithm = parts[0].ToLowerInvariant();
        var expectedLength = algorithm switch
        {
            "sha-1" => 20,
            "sha-256" => 32,
            "sha-384" => 48,
            "sha-512" => 64,
            _ => 0,
        };
        var hex = parts[1].Trim().Replace(":", string.Empty, StringComparison.Ordinal);
        if (expectedLength == 0 || hex.Length != expectedLength * 2)
        {
            return false;
        }

        try
        {
            fingerprint = new DtlsFingerprint(algorithm, Convert.FromHexString(hex));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>True when the DER certificate hashes to this fingerprint (constant-time compare).</summary>
    public bool Matches(ReadOnlySpan<byte> certificateDer) =>
        CryptographicOperations.FixedTimeEquals(Of(Algorithm, certificateDer).Value, _value);

    /// <summary>The SDP attribute value, e.g. <c>sha-256 FD:0D:...</c>.</summary>
    public override string ToString() => $"{Algorithm} {string.Join(':', Convert.ToHexString(_value).Chunk(2).Select(pair => new string(pair)))}";
}
