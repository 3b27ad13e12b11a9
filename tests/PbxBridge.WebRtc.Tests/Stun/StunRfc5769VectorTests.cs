using System.Net;
using System.Security.Cryptography;
using System.Text;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.WebRtc.Tests.Stun;

/// <summary>RFC 5769 "Test Vectors for STUN", all four samples, byte for byte.</summary>
public sealed class StunRfc5769VectorTests
{
    private const string ShortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt";

    private static readonly byte[] SampleRequest = Hex.Parse("""
        00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
        00 24 00 04 6e 00 01 ff
        80 29 00 08 93 2f f9 b1 51 26 3b 36
        00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
        00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
        80 28 00 04 e5 7a 3b cf
        """);

    private static readonly byte[] SampleIPv4Response = Hex.Parse("""
        01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 08 00 01 a1 47 e1 12 a6 43
        00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
        80 28 00 04 c0 7d 4c 96
        """);

    private static readonly byte[] SampleIPv6Response = Hex.Parse("""
        01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
        00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
        80 28 00 04 c8 fb 0b 4c
        """);

    private static readonly byte[] SampleLongTermRequest = Hex.Parse("""
        00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
        00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
        00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
        00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
        00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66
        """);

    private static readonly byte[] ShortTermKey = Encoding.UTF8.GetBytes(ShortTermPassword);

    [Fact]
    public void Sample_request_parses_and_its_integrity_and_fingerprint_verify()
    {
        Assert.True(StunMessage.TryParse(SampleRequest, out var message));
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.Equal(StunClass.Request, message.Class);
        Assert.Equal("b7e7a701bc34d686fa87dfae", Hex.Of(message.TransactionId));
        Assert.True(message.TryGetAttribute(StunAttributeType.Username, out var username));
        Assert.Equal("evtj:h6vY", Encoding.UTF8.GetString(username));
        Assert.True(message.TryGetAttribute(StunAttributeType.Software, out var software));
        Assert.Equal("STUN test client", Encoding.UTF8.GetString(software));
        Assert.True(message.TryGetAttribute(StunAttributeType.Priority, out var priority));
        Assert.Equal("6e0001ff", Hex.Of(priority));
        Assert.True(message.TryGetAttribute(StunAttributeType.IceControlled, out var controlled));
        Assert.Equal("932ff9b151263b36", Hex.Of(controlled));
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Sample_IPv4_response_yields_192_0_2_1_port_32853()
    {
        Assert.True(StunMessage.TryParse(SampleIPv4Response, out var message));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.True(message.TryGetAttribute(StunAttributeType.XorMappedAddress, out var value));
        Assert.True(StunAddress.TryReadXored(value, message.TransactionId, out var address));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), address.ToEndPoint());
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Sample_IPv6_response_yields_its_address()
    {
        Assert.True(StunMessage.TryParse(SampleIPv6Response, out var message));
        Assert.True(message.TryGetAttribute(StunAttributeType.XorMappedAddress, out var value));
        Assert.True(StunAddress.TryReadXored(value, message.TransactionId, out var address));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), address.ToEndPoint());
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Sample_long_term_request_verifies_with_the_md5_long_term_key()
    {
        Assert.True(StunMessage.TryParse(SampleLongTermRequest, out var message));
        Assert.True(message.TryGetAttribute(StunAttributeType.Username, out var username));
        Assert.Equal("\u30de\u30c8\u30ea\u30c3\u30af\u30b9", Encoding.UTF8.GetString(username));
        Assert.True(message.TryGetAttribute(StunAttributeType.Realm, out var realm));
        Assert.Equal("example.org", Encoding.UTF8.GetString(realm));
        Assert.False(message.HasFingerprint);
        // RFC 8489 §9.2.2: key = MD5(username ":" realm ":" SASLprep(password)).
        var key = MD5.HashData(Encoding.UTF8.GetBytes("\u30de\u30c8\u30ea\u30c3\u30af\u30b9:example.org:TheMatrIX"));
        Assert.True(message.VerifyMessageIntegrity(key));
        Assert.False(message.VerifyMessageIntegrity(MD5.HashData(Encoding.UTF8.GetBytes("x:example.org:TheMatrIX"))));
    }

    [Fact]
    public void Sample_long_term_request_is_rebuilt_byte_for_byte_by_the_writer()
    {
        // This sample pads with zeros, as our writer does (the others pad with 0x20), so it must match exactly.
        var key = MD5.HashData(Encoding.UTF8.GetBytes("\u30de\u30c8\u30ea\u30c3\u30af\u30b9:example.org:TheMatrIX"));
        Span<byte> buffer = stackalloc byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, Hex.Parse("78ad3433c6ad72c029da412e"));
        writer.AddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes("\u30de\u30c8\u30ea\u30c3\u30af\u30b9"));
        writer.AddAttribute(StunAttributeType.Nonce, Encoding.ASCII.GetBytes("f//499k954d6OL34oL9FSTvy64sA"));
        writer.AddAttribute(StunAttributeType.Realm, Encoding.ASCII.GetBytes("example.org"));
        writer.AddMessageIntegrity(key);

        Assert.Equal(Hex.Of(SampleLongTermRequest), Hex.Of(buffer[..writer.Length]));
    }

    [Fact]
    public void Sample_request_with_one_flipped_integrity_bit_fails_verification()
    {
        var tampered = (byte[])SampleRequest.Clone();
        tampered[^20] ^= 0x01; // inside the MESSAGE-INTEGRITY value
        Assert.True(StunMessage.TryParse(tampered, out var message));
        Assert.False(message.VerifyMessageIntegrity(ShortTermKey));
        Assert.False(message.VerifyFingerprint());
    }
}
