using PbxBridge.Media.G711;

namespace PbxBridge.Media.Tests.G711;

public sealed class ALawTests
{
    [Fact]
    public void Encode_matches_the_G711_decision_levels_for_all_65536_linear_inputs()
    {
        var mismatches = 0;
        var first = "";
        for (var value = short.MinValue; ; value++)
        {
            var expected = G711ReferenceQuantizer.ALawEncode(value);
            var actual = ALaw.Encode(value);
            if (expected != actual && mismatches++ == 0)
            {
                first = $"{value}: expected 0x{expected:X2}, got 0x{actual:X2}";
            }

            if (value == short.MaxValue)
            {
                break;
            }
        }

        Assert.True(mismatches == 0, $"{mismatches} mismatches, first {first}");
    }

    [Fact]
    public void Decode_matches_the_G711_output_levels_for_all_256_codes()
    {
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal(G711ReferenceQuantizer.ALawDecode((byte)code), ALaw.Decode((byte)code));
        }
    }

    [Theory]
    [InlineData(0, 0xD5)]
    [InlineData(-1, 0x55)]
    [InlineData(32767, 0xAA)]
    [InlineData(-32768, 0x2A)]
    public void Known_codes_from_the_standard(short sample, byte code) => Assert.Equal(code, ALaw.Encode(sample));

    [Fact]
    public void Decoding_then_encoding_every_code_is_stable()
    {
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal((byte)code, ALaw.Encode(ALaw.Decode((byte)code)));
        }
    }

    [Fact]
    public void Span_encode_and_decode_agree_with_the_scalar_form()
    {
        short[] samples = [0, 100, -100, 8000, -8000, 32000, -32000];
        var codes = new byte[samples.Length];
        var decoded = new short[samples.Length];
        ALaw.Encode(samples, codes);
        ALaw.Decode(codes, decoded);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(ALaw.Encode(samples[i]), codes[i]);
            Assert.Equal(ALaw.Decode(codes[i]), decoded[i]);
        }
    }
}
