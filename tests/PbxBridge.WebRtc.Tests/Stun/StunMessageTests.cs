using System.Net;
using System.Text;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.WebRtc.Tests.Stun;

public sealed class StunMessageTests
{
    private static readonly byte[] TransactionId = Hex.Parse("0102030405060708090a0b0c");

    [Fact]
    public void Message_type_interleaves_class_bits_as_RFC_8489_section_5_shows()
    {
        Assert.Equal(0x0001, StunMessageType.Compose(StunMethod.Binding, StunClass.Request));
        Assert.Equal(0x0101, StunMessageType.Compose(StunMethod.Binding, StunClass.SuccessResponse));
        Assert.Equal(0x0111, StunMessageType.Compose(StunMethod.Binding, StunClass.ErrorResponse));
        Assert.Equal(0x0011, StunMessageType.Compose(StunMethod.Binding, StunClass.Indication));
        Assert.Equal(StunClass.ErrorResponse, StunMessageType.ClassOf(0x0111));
        Assert.Equal(StunMethod.Binding, StunMessageType.MethodOf(0x0111));
    }

    [Fact]
    public void Written_message_with_sha256_integrity_verifies_and_rejects_another_key()
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, TransactionId);
        writer.AddAttribute(StunAttributeType.Username, Encoding.ASCII.GetBytes("abcd:efgh"));
        writer.AddMessageIntegritySha256(Encoding.ASCII.GetBytes("password"));
        writer.AddFingerprint();

        Assert.True(StunMessage.TryParse(buffer[..writer.Length], out var message));
        Assert.True(message.HasMessageIntegritySha256);
        Assert.True(message.VerifyAnyMessageIntegrity(Encoding.ASCII.GetBytes("password")));
        Assert.False(message.VerifyAnyMessageIntegrity(Encoding.ASCII.GetBytes("passwore")));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Error_response_carries_code_class_number_and_reason()
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingErrorResponse, TransactionId);
        writer.AddErrorCode(487, "Role Conflict");
        writer.AddFingerprint();

        Assert.True(StunMessage.TryParse(buffer[..writer.Length], out var message));
        Assert.Equal(StunClass.ErrorResponse, message.Class);
        Assert.True(message.TryGetAttribute(StunAttributeType.ErrorCode, out var value));
        Assert.Equal(4, value[2]);
        Assert.Equal(87, value[3]);
        Assert.Equal("Role Conflict", Encoding.UTF8.GetString(value[4..]));
    }

    [Fact]
    public void Attributes_after_message_integrity_are_ignored()
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, TransactionId);
        writer.AddMessageIntegrity(Encoding.ASCII.GetBytes("k"));
        writer.AddAttribute(StunAttributeType.UseCandidate, []);

        Assert.True(StunMessage.TryParse(buffer[..writer.Length], out var message));
        Assert.False(message.HasAttribute(StunAttributeType.UseCandidate));
    }

    [Theory]
    [InlineData("")]
    [InlineData("000100002112a442")]
    [InlineData("000100042112a4420102030405060708090a0b0c")] // length claims 4 bytes that are not there
    [InlineData("000100082112a4420102030405060708090a0b0c00060010aaaa")] // attribute overruns
    [InlineData("000100002112a4430102030405060708090a0b0c")] // wrong cookie
    [InlineData("800100002112a4420102030405060708090a0b0c")] // top bits set: not STUN
    public void Malformed_datagrams_are_refused_without_throwing(string hex)
    {
        Assert.False(StunMessage.TryParse(Hex.Parse(hex), out _));
    }

    [Fact]
    public void IPv6_xor_mapped_address_round_trips()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("2001:db8::42"), 50000);
        Span<byte> value = stackalloc byte[20];
        var length = StunAddress.From(endPoint).WriteXored(value, TransactionId);
        Assert.True(StunAddress.TryReadXored(value[..length], TransactionId, out var address));
        Assert.Equal(endPoint, address.ToEndPoint());
    }
}
