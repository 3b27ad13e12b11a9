using PbxBridge.Media.G711;

namespace PbxBridge.Media.Tests.G711;

public sealed class MuLawTests
{
    [Fact]
    public void Encode_matches_the_G711_decision_levels_for_all_65536_linear_inputs()
    {
        var mismatches = 0;
        var first = "";
        for (var value = short.MinValue; ; value++)
        {
            var expected = G711ReferenceQuantizer.MuLawEncode(value);
            var actual = MuLaw.Encode(value);
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
            Assert.Equal(G711ReferenceQuantizer.MuLawDecode((byte)code), MuLaw.Decode((byte)code));
        }
    }

    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7F)]
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    public void Known_codes_from_the_standard(short sample, byte code) => Assert.Equal(code, MuLaw.Encode(sample));

    [Fact]
    public void Span_encode_and_decode_agree_with_the_scalar_form()
    {
        short[] samples = [0, 100, -100, 8000, -8000, 32000, -32000];
        var codes = new byte[samples.Length];
        var decoded = new short[samples.Length];
        MuLaw.Encode(samples, codes);
        MuLaw.Decode(codes, decoded);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(MuLaw.Encode(samples[i]), codes[i]);
            Assert.Equal(MuLaw.Decode(codes[i]), decoded[i]);
        }
    }

    [Fact]
    public void Decoding_then_encoding_every_code_is_stable()
    {
        for (var code = 0; code < 256; code++)
        {
            var expected = code == 0x7F ? 0xFF : code;
            Assert.Equal((byte)expected, MuLaw.Encode(MuLaw.Decode((byte)code)));
        }
    }
}
