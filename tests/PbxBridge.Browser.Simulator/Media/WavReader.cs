using System.Buffers.Binary;
using System.Text;

namespace PbxBridge.Browser.Simulator.Media;

/// <summary>Reads a canonical RIFF/WAVE file of 16-bit PCM, mono, at the rate the caller needs (no resampling).</summary>
internal static class WavReader
{
    public static short[] ReadMono16(string path, int sampleRate)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < 12 || Encoding.ASCII.GetString(data, 0, 4) != "RIFF" || Encoding.ASCII.GetString(data, 8, 4) != "WAVE")
        {
            throw new InvalidDataException($"{path} is not a RIFF/WAVE file");
        }

        var offset = 12;
        var formatChecked = false;
        while (offset + 8 <= data.Length)
        {
            var id = Encoding.ASCII.GetString(data, offset, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset + 4));
            var body = data.AsSpan(offset + 8, Math.Min(size, data.Length - offset - 8));
            if (id == "fmt ")
            {
                var format = BinaryPrimitives.ReadUInt16LittleEndian(body);
                var channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                var rate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
                if (format != 1 || channels != 1 || rate != sampleRate || bits != 16)
                {
                    throw new InvalidDataException(
                        $"{path}: need 16-bit PCM mono at {sampleRate} Hz, found format {format}, {channels} channel(s), {rate} Hz, {bits} bit (sox in.wav -r {sampleRate} -c 1 -b 16 out.wav)");
                }

                formatChecked = true;
            }
            else if (id == "data" && formatChecked)
            {
                var samples = new short[body.Length / 2];
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(body[(2 * i)..]);
                }

                return samples;
            }

            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"{path}: no fmt chunk before the data chunk");
    }
}
