using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Tests.Srtp;

/// <summary>RFC 7714 §16 (SRTP) and §17 (SRTCP) AEAD_AES_128_GCM samples, and the §11 key derivation.</summary>
public sealed class SrtpRfc7714VectorTests
{
    private static readonly byte[] Key = Hex.Parse("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] Salt = Hex.Parse("517569642070726f2071756f"); // "Quid pro quo"

    private const string RtpPacket =
        "8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";

    private const string SrtpPacket =
        "8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833 899d7f27beb16a9152cf765ee4390cce";

    private const string RtcpPacket =
        "81c8000d4d617273 4e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

    private const string SrtcpPacket =
        "81c8000d4d617273 63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa458 96cf4d2fc5abf87245d9eade 800005d4";

    private static SrtpSessionKeys SessionKeys() =>
        new(SrtpProtectionProfile.AeadAes128Gcm, Key, [], Salt, Key, [], Salt);

    [Fact]
    public void SRTP_packet_is_encrypted_as_section_16_1_1_prints()
    {
        using var context = new SrtpContext(SessionKeys());
        var rtp = Hex.Parse(RtpPacket);
        var buffer = new byte[rtp.Length + 16];
        rtp.CopyTo(buffer, 0);

        var length = context.Protect(buffer, rtp.Length);

        Assert.Equal(Hex.Of(Hex.Parse(SrtpPacket)), Hex.Of(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void SRTP_packet_of_section_16_1_2_decrypts_to_the_plaintext()
    {
        using var context = new SrtpContext(SessionKeys());
        var packet = Hex.Parse(SrtpPacket);

        Assert.Equal(SrtpStatus.Ok, context.Unprotect(packet, out var length));
        Assert.Equal(Hex.Of(Hex.Parse(RtpPacket)), Hex.Of(packet.AsSpan(0, length)));
    }

    [Fact]
    public void SRTCP_packet_is_encrypted_as_section_17_1_prints()
    {
        using var context = new SrtcpContext(SessionKeys());
        context.NextIndex = 0x5d4;
        var rtcp = Hex.Parse(RtcpPacket);
        var buffer = new byte[rtcp.Length + context.Overhead];
        rtcp.CopyTo(buffer, 0);

        var length = context.Protect(buffer, rtcp.Length);

        Assert.Equal(Hex.Of(Hex.Parse(SrtcpPacket)), Hex.Of(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void SRTCP_packet_of_section_17_2_decrypts_to_the_plaintext()
    {
        using var context = new SrtcpContext(SessionKeys());
        var packet = Hex.Parse(SrtcpPacket);

        Assert.Equal(SrtpStatus.Ok, context.Unprotect(packet, out var length));
        Assert.Equal(Hex.Of(Hex.Parse(RtcpPacket)), Hex.Of(packet.AsSpan(0, length)));
    }

    [Fact]
    public void Key_derivation_with_a_96_bit_master_salt_pads_it_on_the_right()
    {
        var keys = SrtpKeyDerivation.DeriveSessionKeys(
            SrtpProtectionProfile.AeadAes128Gcm, Key, Hex.Parse("a0a1a2a3a4a5a6a7a8a9aaab"));

        Assert.Equal("077c6143cb221bc355ff23d5f984a16e", Hex.Of(keys.RtpEncryptionKey.Span));
        Assert.Equal("9af3e95364ebac9c99c5a7c4", Hex.Of(keys.RtpSalt.Span));
        Assert.Equal("615dcd9042600666f6fd4d9e4fe4519f", Hex.Of(keys.RtcpEncryptionKey.Span));
        Assert.Equal("fcca937b9112a500dac72269", Hex.Of(keys.RtcpSalt.Span));
    }
}
