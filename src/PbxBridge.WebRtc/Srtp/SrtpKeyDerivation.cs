using System.Security.Cryptography;

namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// RFC 3711 §4.3: the AES-CM pseudo-random function keyed with the master key, run over
/// IV = (master_salt XOR (label || r)) * 2^16. We use a key derivation rate of 0, so r is always 0; AEAD
/// profiles (RFC 7714 §11) use the same function with their 96-bit master salt right-padded to 112 bits.
/// </summary>
public static class SrtpKeyDerivation
{
    public const byte LabelRtpEncryption = 0x00;
    public const byte LabelRtpAuthentication = 0x01;
    public const byte LabelRtpSalt = 0x02;
    public const byte LabelRtcpEncryption = 0x03;
    public const byte LabelRtcpAuthentication = 0x04;
    public const byte LabelRtcpSalt = 0x05;

    public static SrtpSessionKeys DeriveSessionKeys(
        SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (masterKey.Length != profile.MasterKeyLength || masterSalt.Length != profile.MasterSaltLength)
        {
            throw new ArgumentException($"{profile.Name} needs a {profile.MasterKeyLength}-byte master key and {profile.MasterSaltLength}-byte master salt.");
        }

        byte[] Derive(byte label, int length, ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        {
            var output = new byte[length];
            DeriveSessionKey(key, salt, label, 0, output);
            return output;
        }

        return new SrtpSessionKeys(
            profile,
            Derive(LabelRtpEncryption, profile.MasterKeyLength, masterKey, masterSalt),
            Derive(LabelRtpAuthentication, profile.AuthKeyLength, masterKey, masterSalt),
            Derive(LabelRtpSalt, profile.MasterSaltLength, masterKey, masterSalt),
            Derive(LabelRtcpEncryption, profile.MasterKeyLength, masterKey, masterSalt),
            Derive(LabelRtcpAuthentication, profile.AuthKeyLength, masterKey, masterSalt),
            Derive(LabelRtcpSalt, profile.MasterSaltLength, masterKey, masterSalt));
    }

    /// <summary>
    /// One derived key: <paramref name="r"/> is index DIV key_derivation_rate (0 when the rate is 0).
    /// A master salt shorter than 112 bits is right-padded with zeros (RFC 7714 §11).
    /// </summary>
    public static void DeriveSessionKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, ulong r, Span<byte> output)
    {
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt[..Math.Min(14, masterSalt.Length)].CopyTo(iv);
        // key_id = label || r (48 bits), aligned to the low end of the 112-bit salt.
        iv[7] ^= label;
        for (var i = 0; i < 6; i++)
        {
            iv[13 - i] ^= (byte)(r >> (8 * i));
        }

        using var aes = Aes.Create();
        aes.Key = masterKey.ToArray();
        var blocks = (output.Length + 15) / 16;
        Span<byte> counters = stackalloc byte[blocks * 16];
        for (var j = 0; j < blocks; j++)
        {
            var block = counters.Slice(j * 16, 16);
            iv.CopyTo(block);
            block[14] = (byte)(j >> 8);
            block[15] = (byte)j;
        }

        Span<byte> keystream = stackalloc byte[blocks * 16];
        aes.EncryptEcb(counters, keystream, PaddingMode.None);
        keystream[..output.Length].CopyTo(output);
    }
}
