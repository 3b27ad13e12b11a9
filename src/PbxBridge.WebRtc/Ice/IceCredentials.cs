using System.Security.Cryptography;
using System.Text;

namespace PbxBridge.WebRtc.Ice;

/// <summary>
/// ICE ufrag and password (RFC 8445 §5.3, RFC 8839 §5.4): at least 24 bits of randomness in the ufrag and 128 in
/// the password, drawn from the ice-char alphabet. A fresh pair marks an ICE restart.
/// </summary>
public sealed class IceCredentials
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public IceCredentials(string usernameFragment, string password)
    {
        UsernameFragment = usernameFragment;
        Password = password;
        PasswordBytes = Encoding.UTF8.GetBytes(password);
    }

    public string UsernameFragment { get; }

    public string Password { get; }

    /// <summary>The short-term key of MESSAGE-INTEGRITY (RFC 8489 §9.1.1: the password itself).</summary>
    public byte[] PasswordBytes { get; }

    public static IceCredentials Generate() => new(RandomIceString(8), RandomIceString(24));

    private static string RandomIceString(int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = IceChars[RandomNumberGenerator.GetInt32(IceChars.Length)];
        }

        return new string(chars);
    }
}
