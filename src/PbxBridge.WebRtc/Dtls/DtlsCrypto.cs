using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// The one BouncyCastle TLS crypto every DTLS association uses. It holds nothing of an association (keys and
/// secrets live in each handshake's context) but a SecureRandom, which is safe for concurrent use; one per handshake
/// cost a seeded generator per call, and a certificate chain built with it could not be shared between calls.
/// </summary>
internal static class DtlsCrypto
{
    public static BcTlsCrypto Shared { get; } = new(new SecureRandom());
}
