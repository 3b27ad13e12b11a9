using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PbxBridge.Media.L16;

/// <summary>
/// L16 (RFC 3551 §4.5.11): 16-bit signed linear samples in network byte order. Asterisk's externalMedia sends
/// and expects `slin16` this way (PT 118, 16 kHz, 640 bytes per 20 ms), although its internal frames are host order.
/// </summary>
public static class L16
{
    public const int BytesPerSample = 2;

    public static void Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        var output = MemoryMarshal.Cast<byte, short>(destination[..(samples.Length * BytesPerSample)]);
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(samples, output);
        }
        else
        {
            samples.CopyTo(output);
        }
    }

    /// <summary>Decodes payload.Length / 2 samples; an odd trailing byte is ignored.</summary>
    public static int Decode(ReadOnlySpan<byte> payload, Span<short> destination)
    {
        var count = payload.Length / BytesPerSample;
        var input = MemoryMarshal.Cast<byte, short>(payload[..(count * BytesPerSample)]);
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(input, destination[..count]);
        }
        else
        {
            input.CopyTo(destination);
        }

        return count;
    }
}
