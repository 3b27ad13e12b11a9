using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// What the receive loop does with a datagram whose first byte is 0..3: IceLiteAgent.HandleRequest (StunMessage
/// parse, USERNAME check, MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT verify, the answer). Our credentials are the
/// RFC 5769 sample's, so its vector verifies. Half of the inputs (chosen by a hash of their bytes, so a printed
/// input replays the same way) are re-signed after mutation: their integrity and fingerprint are recomputed, so
/// mutated attributes reach the code behind the integrity check instead of all dying there. Rules: every answer
/// we write parses and carries a valid FINGERPRINT; every refusal moves one of the agent's counters.
/// </summary>
public sealed class StunTarget : FuzzTarget
{
    private const string Password = "VOkJxbRl1RmTxUk/WvJxBt";
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(Password);
    private readonly IceLiteAgent _agent = new(new IceCredentials("evtj", Password), new IceCredentials("h6vY", "remote-password-unused"));
    private readonly SocketAddress _source = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853).Serialize();
    private readonly byte[] _response = new byte[512];

    public override string Name => "stun";

    public override string Description => "IceLiteAgent.HandleRequest (STUN parse, integrity and fingerprint verify, answer)";

    public override int MaxInputLength => DatagramMaxLength;

    public override IReadOnlyList<byte[]> Seeds => StunSeeds.All;

    public override LengthFieldLocator? LengthFields => StunSeeds.LengthFields;

    public override long? CountedRejections => _agent.IgnoredCount + _agent.BadIntegrityCount + _agent.ErrorResponseCount +
        _agent.UnauthenticatedCount + _agent.ReplayedCount;

    public override FuzzVerdict Run(byte[] input)
    {
        if (FuzzHash.Of(input) % 2 == 0)
        {
            Resign(input);
        }

        var outcome = _agent.HandleRequest(input, _source, _response, out var responseLength);
        if (responseLength > 0)
        {
            var response = _response.AsSpan(0, responseLength);
            if (!StunMessage.TryParse(response, out var answer) || !answer.VerifyFingerprint())
            {
                throw new FuzzInvariantException($"our STUN answer ({outcome}) does not parse or its FINGERPRINT is wrong");
            }
        }

        return outcome is IceCheckOutcome.Success or IceCheckOutcome.Nominated ? FuzzVerdict.Accepted : FuzzVerdict.Rejected;
    }

    /// <summary>RFC 8489 §14.5 and §14.7 done again over whatever the mutations left, where the framing allows it.</summary>
    private static void Resign(Span<byte> message)
    {
        if (message.Length < StunMessage.HeaderLength)
        {
            return;
        }

        Span<byte> mac = stackalloc byte[32];
        var offset = StunMessage.HeaderLength;
        while (offset + 4 <= message.Length)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            var next = offset + 4 + ((length + 3) & ~3);
            if (next > message.Length)
            {
                return;
            }

            if (type == StunAttributeType.MessageIntegrity && length == 20)
            {
                BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)(next - StunMessage.HeaderLength));
                HMACSHA1.HashData(Key, message[..offset], message.Slice(offset + 4, 20));
            }
            else if (type == StunAttributeType.MessageIntegritySha256 && length is >= 16 and <= 32 && length % 4 == 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)(next - StunMessage.HeaderLength));
                HMACSHA256.HashData(Key, message[..offset], mac);
                mac[..length].CopyTo(message.Slice(offset + 4, length));
            }
            else if (type == StunAttributeType.Fingerprint && length == 4)
            {
                BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)(next - StunMessage.HeaderLength));
                BinaryPrimitives.WriteUInt32BigEndian(message[(offset + 4)..], Crc32.Compute(message[..offset]) ^ StunMessageWriter.FingerprintXor);
                return;
            }

            offset = next;
        }
    }
}
