using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Tests.Srtp;

/// <summary>RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key derivation), byte for byte.</summary>
public sealed class SrtpRfc3711VectorTests
{
    [Fact]
    public void AES_CM_keystream_matches_appendix_B_2_at_the_start_of_the_segment()
    {
        using var cipher = new AesCounterMode(Hex.Parse("2B7E151628AED2A6ABF7158809CF4F3C"));
        var keystream = new byte[48];
        cipher.Apply(Hex.Parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), keystream);

        Assert.Equal(
            Hex.Of(Hex.Parse("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0")),
            Hex.Of(keystream));
    }

    [Fact]
    public void AES_CM_keystream_matches_appendix_B_2_at_counters_FEFF_to_FF01()
    {
        using var cipher = new AesCounterMode(Hex.Parse("2B7E151628AED2A6ABF7158809CF4F3C"));
        var keystream = new byte[48];
        cipher.Apply(Hex.Parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"), keystream);

        Assert.Equal(
            Hex.Of(Hex.Parse("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE 6A2CC3787889374FBEB4C81B17BA6C44")),
            Hex.Of(keystream));
    }

    [Fact]
    public void Key_derivation_matches_appendix_B_3()
    {
        var keys = SrtpKeyDerivation.DeriveSessionKeys(
            SrtpProtectionProfile.AesCm128HmacSha1_80,
            Hex.Parse("E1F97A0D3E018BE0D64FA32C06DE4139"),
            Hex.Parse("0EC675AD498AFEEBB6960B3AABE6"));

        Assert.Equal("c61e7a93744f39ee10734afe3ff7a087", Hex.Of(keys.RtpEncryptionKey.Span));
        Assert.Equal("30cbbc08863d8c85d49db34a9ae1", Hex.Of(keys.RtpSalt.Span));
        Assert.Equal("cebe321f6ff7716b6fd4ab49af256a156d38baa4", Hex.Of(keys.RtpAuthenticationKey.Span));
    }

    [Fact]
    public void Protecting_a_zero_payload_with_zero_ssrc_and_index_yields_the_B_2_keystream()
    {
        // With SSRC 0 and index 0 the §4.1.1 IV is the shifted salt itself, so this pins the IV construction.
        var keys = new SrtpSessionKeys(
            SrtpProtectionProfile.AesCm128HmacSha1_80,
            Hex.Parse("2B7E151628AED2A6ABF7158809CF4F3C"), new byte[20], Hex.Parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"),
            new byte[16], new byte[20], new byte[14]);
        using var context = new SrtpContext(keys);
        var buffer = new byte[12 + 32 + 10];
        buffer[0] = 0x80;

        var length = context.Protect(buffer, 12 + 32);

        Assert.Equal(54, length);
        Assert.Equal(
            Hex.Of(Hex.Parse("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB")),
            Hex.Of(buffer.AsSpan(12, 32)));
    }
}
