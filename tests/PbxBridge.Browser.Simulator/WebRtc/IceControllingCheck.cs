using System.Security.Cryptography;
using System.Text;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// A connectivity check as a full, controlling ICE agent sends it to a lite peer (RFC 8445 §7.1.1, §8.1.1):
/// USERNAME "remote:local", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE (aggressive nomination, what browsers do
/// toward ICE-lite), MESSAGE-INTEGRITY with the remote password, FINGERPRINT. Repeated checks keep consent
/// fresh (RFC 7675).
/// </summary>
internal sealed class IceControllingCheck
{
    // RFC 8445 §5.1.2.1, host candidate, component 1.
    private const uint HostPriority = (126u << 24) | (65535u << 8) | 255u;

    private readonly byte[] _username;
    private readonly byte[] _remotePassword;
    private readonly ulong _tieBreaker = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    public IceControllingCheck(IceCredentials local, IceCredentials remote)
    {
        _username = Encoding.UTF8.GetBytes($"{remote.UsernameFragment}:{local.UsernameFragment}");
        _remotePassword = remote.PasswordBytes;
    }

    /// <summary>Writes a new check into <paramref name="buffer"/>; its transaction id is copied to <paramref name="transactionId"/>.</summary>
    public int Write(Span<byte> buffer, Span<byte> transactionId)
    {
        RandomNumberGenerator.Fill(transactionId);
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transactionId);
        writer.AddAttribute(StunAttributeType.Username, _username);
        writer.AddUInt32(StunAttributeType.Priority, HostPriority);
        writer.AddUInt64(StunAttributeType.IceControlling, _tieBreaker);
        writer.AddAttribute(StunAttributeType.UseCandidate, ReadOnlySpan<byte>.Empty);
        writer.AddMessageIntegrity(_remotePassword);
        writer.AddFingerprint();
        return writer.Length;
    }

    public bool IsSuccessFor(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> transactionId) =>
        StunMessage.TryParse(datagram, out var message) &&
        message.MessageType == StunMessageType.BindingSuccessResponse &&
        message.TransactionId.SequenceEqual(transactionId) &&
        message.VerifyMessageIntegrity(_remotePassword);
}
