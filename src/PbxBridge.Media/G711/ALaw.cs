namespace PbxBridge.Media.G711;

/// <summary>
/// ITU-T G.711 A-law (PCMA, RTP payload type 8), table-driven. G.711 A-law works on 13 bits; the three low bits
/// of a 16-bit sample are dropped and negative values use the one's complement, as in the ITU-T G.191 reference.
/// </summary>
public static class ALaw
{
    // Indexed by the 16-bit sample's top 13 bits (as unsigned).
    private static readonly byte[] s_encodeTable = BuildEncodeTable();
    private static readonly short[] s_decodeTable = BuildDecodeTable();

    /// <summary>The code for digital silence (the positive zero level, 0x80 with the even bits inverted).</summary>
    public const byte Silence = 0xD5;

    public static byte Encode(short sample) => s_encodeTable[(ushort)sample >> 3];

    public static short Decode(byte code) => s_decodeTable[code];

    public static void Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        var table = s_encodeTable;
        var output = destination[..samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            output[i] = table[(ushort)samples[i] >> 3];
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
        var table = new byte[1 << 13];
        for (var index = 0; index < table.Length; index++)
        {
            table[index] = EncodeBySegment((short)(index << 3));
        }

        return table;
    }

    // G.711 Table 1: segments 0 and 1 share the finest step, each further segment doubles it; the even bits of
    // the code are inverted on the line (XOR 0x55) so that idle channels carry transitions.
    private static byte EncodeBySegment(short sample)
    {
        var magnitude = (sample < 0 ? ~sample : sample) >> 4;
        int code;
        if (magnitude <= 15)
        {
            code = magnitude;
        }
        else
        {
            var segment = 1;
            while (magnitude > 31)
            {
                magnitude >>= 1;
                segment++;
            }

            code = (segment << 4) | (magnitude - 16);
        }

        if (sample >= 0)
        {
            code |= 0x80;
        }

        return (byte)(code ^ 0x55);
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var value = code ^ 0x55;
            var segment = (value >> 4) & 0x07;
            var step = value & 0x0F;
            var mantissa = segment > 0 ? step + 16 : step;
            var magnitude = (mantissa << 4) + 8;
            if (segment > 1)
            {
                magnitude <<= segment - 1;
            }

            table[code] = (short)((value & 0x80) != 0 ? magnitude : -magnitude);
        }

        return table;
    }
}
