using PbxBridge.Media.G711;

namespace PbxBridge.Media.Tests.G711;

/// <summary>
/// A-law and µ-law are the same contract with different tables, so each check runs once per law; only the
/// known codes differ, and µ-law's negative zero (0x7F), which re-encodes as positive zero (0xFF).
/// </summary>
public sealed class G711LawTests
{
    private delegate void SpanEncode(ReadOnlySpan<short> samples, Span<byte> destination);

    private delegate void SpanDecode(ReadOnlySpan<byte> codes, Span<short> destination);

    private sealed record Law(
        Func<short, byte> Encode,
        Func<byte, short> Decode,
        SpanEncode EncodeSpan,
        SpanDecode DecodeSpan,
        Func<short, byte> ReferenceEncode,
        Func<byte, short> ReferenceDecode,
        Func<int, int> ReEncodedCode);

    private static Law For(string name) => name switch
    {
        "alaw" => new Law(ALaw.Encode, ALaw.Decode, ALaw.Encode, ALaw.Decode, G711ReferenceQuantizer.ALawEncode, G711ReferenceQuantizer.ALawDecode, code => code),
        "ulaw" => new Law(MuLaw.Encode, MuLaw.Decode, MuLaw.Encode, MuLaw.Decode, G711ReferenceQuantizer.MuLawEncode, G711ReferenceQuantizer.MuLawDecode, code => code == 0x7F ? 0xFF : code),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "alaw or ulaw"),
    };

    [Theory]
    [InlineData("alaw")]
    [InlineData("ulaw")]
    public void Encode_matches_the_G711_decision_levels_for_all_65536_linear_inputs(string name)
    {
        var law = For(name);
        var mismatches = 0;
        var first = "";
        for (var value = short.MinValue; ; value++)
        {
            var expected = law.ReferenceEncode(value);
            var actual = law.Encode(value);
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

    [Theory]
    [InlineData("alaw")]
    [InlineData("ulaw")]
    public void Decode_matches_the_G711_output_levels_for_all_256_codes(string name)
    {
        var law = For(name);
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal(law.ReferenceDecode((byte)code), law.Decode((byte)code));
        }
    }

    [Theory]
    [InlineData("alaw", 0, 0xD5)]
    [InlineData("alaw", -1, 0x55)]
    [InlineData("alaw", 32767, 0xAA)]
    [InlineData("alaw", -32768, 0x2A)]
    [InlineData("ulaw", 0, 0xFF)]
    [InlineData("ulaw", -1, 0x7F)]
    [InlineData("ulaw", 32767, 0x80)]
    [InlineData("ulaw", -32768, 0x00)]
    public void Known_codes_from_the_standard(string name, short sample, byte code) => Assert.Equal(code, For(name).Encode(sample));

    [Theory]
    [InlineData("alaw")]
    [InlineData("ulaw")]
    public void Decoding_then_encoding_every_code_is_stable(string name)
    {
        var law = For(name);
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal((byte)law.ReEncodedCode(code), law.Encode(law.Decode((byte)code)));
        }
    }

    [Theory]
    [InlineData("alaw")]
    [InlineData("ulaw")]
    public void Span_encode_and_decode_agree_with_the_scalar_form(string name)
    {
        var law = For(name);
        short[] samples = [0, 100, -100, 8000, -8000, 32000, -32000];
        var codes = new byte[samples.Length];
        var decoded = new short[samples.Length];
        law.EncodeSpan(samples, codes);
        law.DecodeSpan(codes, decoded);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(law.Encode(samples[i]), codes[i]);
            Assert.Equal(law.Decode(codes[i]), decoded[i]);
        }
    }
}
