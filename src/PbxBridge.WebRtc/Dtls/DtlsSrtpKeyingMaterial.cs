using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// RFC 5764 §4.2: the exporter output split as client_write_key | server_write_key | client_write_salt |
/// server_write_salt, assigned to "local" (what we protect with) and "remote" (what we unprotect with) by role.
/// </summary>
public sealed class DtlsSrtpKeyingMaterial
{
    public DtlsSrtpKeyingMaterial(SrtpProtectionProfile profile, ReadOnlySpan<byte> exported, bool isServer)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var keyLength = profile.MasterKeyLength;
        var saltLength = profile.MasterSaltLength;
        if (exported.Length != 2 * (keyLength + saltLength))
        {
            throw new ArgumentException("Keying material length does not match the profile.", nameof(exported));
        }

        Profile = profile;
        var clientKey = exported[..keyLength].ToArray();
        var serverKey = exported.Slice(keyLength, keyLength).ToArray();
        var clientSalt = exported.Slice(2 * keyLength, saltLength).ToArray();
        var serverSalt = exported.Slice((2 * keyLength) + saltLength, saltLength).ToArray();
        (LocalMasterKey, LocalMasterSalt, RemoteMasterKey, RemoteMasterSalt) = isServer
            ? (serverKey, serverSalt, clientKey, clientSalt)
            : (clientKey, clientSalt, serverKey, serverSalt);
    }

    public SrtpProtectionProfile Profile { get; }

    public byte[] LocalMasterKey { get; }

    public byte[] LocalMasterSalt { get; }

    public byte[] RemoteMasterKey { get; }

    public byte[] RemoteMasterSalt { get; }

    public static int ExportLength(SrtpProtectionProfile profile) =>
        2 * (profile.MasterKeyLength + profile.MasterSaltLength);
}
