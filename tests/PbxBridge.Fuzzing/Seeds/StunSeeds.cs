using System.Buffers.Binary;
using System.Text;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.Fuzzing.Seeds;

/// <summary>
/// STUN seeds: the RFC 5769 vectors (short-term request, IPv6 response, long-term request), and the connectivity
/// checks a browser sends an ICE-lite agent (RFC 8445 §7.2.2: USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
/// MESSAGE-INTEGRITY or -SHA256, FINGERPRINT), written with the RFC 5769 credentials.
/// </summary>
public static class StunSeeds
{
    public static IReadOnlyList<byte[]> All { get; } =
    [
        SeedText.EmbeddedHex("stun-rfc5769-sample-request.hex"),
        SeedText.EmbeddedHex("stun-rfc5769-ipv6-response.hex"),
        SeedText.EmbeddedHex("stun-rfc5769-long-term-request.hex"),
        BrowserCheck(sha256: false, useCandidate: true),
        BrowserCheck(sha256: true, useCandidate: false),
    ];

    /// <summary>The message length at offset 2 and every attribute's length.</summary>
    public static void LengthFields(ReadOnlySpan<byte> data, List<LengthField> fields)
    {
        if (data.Length < StunMessage.HeaderLength)
        {
            return;
        }

        fields.Add(new LengthField(2, 2));
        var offset = StunMessage.HeaderLength;
        while (offset + 4 <= data.Length)
        {
            fields.Add(new LengthField(offset + 2, 2));
            offset += 4 + ((BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]) + 3) & ~3);
        }
    }

    private static byte[] BrowserCheck(bool sha256, bool useCandidate)
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, "fuzzfuzzfuzz"u8);
        writer.AddAttribute(StunAttributeType.Username, "evtj:h6vY"u8);
        writer.AddUInt32(StunAttributeType.Priority, 1845501695);
        writer.AddUInt64(StunAttributeType.IceControlling, 0x1122334455667788);
        if (useCandidate)
        {
            writer.AddAttribute(StunAttributeType.UseCandidate, default);
        }

        var key = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");
        if (sha256)
        {
            writer.AddMessageIntegritySha256(key);
        }
        else
        {
            writer.AddMessageIntegrity(key);
        }

        writer.AddFingerprint();
        return buffer.AsSpan(0, writer.Length).ToArray();
    }
}
