namespace PbxBridge.Media.G711;

/// <summary>
/// ITU-T G.711 mu-law (PCMU, RTP payload type 0), table-driven. Linear samples are 16-bit; G.711 works on 14 bits,
/// so the two low bits are dropped and negative values use the one's complement, as the ITU-T G.191 reference
/// implementation does: the tables then hold exactly G.711's 8192-level quantiser for both signs.
/// </summary>
public static class MuLaw
{
    private const int Bias = 33;

    // Indexed by the 16-bit sample's top 14 bits (as unsigned): one entry per distinct G.711 input level.
    private static readonly byte[] s_encodeTable = BuildEncodeTable();
    private static readonly short[] s_decodeTable = BuildDecodeTable();

    /// <summary>The code for digital silence (linear 0).</summary>
    public const byte Silence = 0xFF;

    public static byte Encode(short sample) => s_encodeTable[(ushort)sample >> 2];

    public static short Decode(byte code) => s_decodeTable[code];

    /// <summary>Encodes <paramref name="samples"/> into the first samples.Length bytes of <paramref name="destination"/>.</summary>
    public static void Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        var table = s_encodeTable;
        var output = destination[..samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            output[i] = table[(ushort)samples[i] >> 2];
        }
    }

    public static void Decode(ReadOnlySpan<byte> codes, Span<short> destination)
    {
        var table = s_decodeTable;
        var output = destination[..codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            output[i] = table[codes[i]];
        }
    }

    private static byte[] BuildEncodeTable()
    {
        var table = new byte[1 << 14];
        for (var index = 0; index < table.Length; index++)
        {
            var sample = (short)(index << 2);
            table[index] = EncodeBySegment(sample);
        }

        return table;
    }

    // G.711 Table 2: a biased magnitude (|x| + 33 on the 14-bit scale) has its segment in the position of its
    // leading one and its step in the next four bits; the code is transmitted inverted.
    private static byte EncodeBySegment(short sample)
    {
        var magnitude = sample < 0 ? (~sample) >> 2 : sample >> 2;
        var biased = Math.Min(magnitude + Bias, 0x1FFF);
        var segment = 0;
        for (var probe = biased >> 6; probe != 0; probe >>= 1)
        {
            segment++;
        }

        var step = (biased >> (segment + 1)) & 0x0F;
        var code = (segment << 4) | step;
        if (sample >= 0)
        {
            code |= 0x80;
        }

        return (byte)(code ^ 0x7F);
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var inverted = ~code;
            var segment = (inverted >> 4) & 0x07;
            var step = inverted & 0x0F;
            var magnitude = (((2 * step) + Bias) << segment) - Bias;
            table[code] = (short)((code & 0x80) != 0 ? magnitude << 2 : -(magnitude << 2));
        }

        return table;
    }
}
