using System.Buffers.Binary;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// Writes the known audio Chromium plays as its fake microphone (<c>--use-file-for-fake-audio-capture</c>):
/// a sine tone as 16-bit mono PCM at 48 kHz in a RIFF/WAVE file, followed by about one second of silence,
/// because Chromium loops the file and with <c>%noloop</c> repeats its last ~10 ms forever.
/// </summary>
public static class ToneWav
{
    public const int SampleRate = 48_000;
    public const double TrailingSilenceSeconds = 1.0;

    // -6 dBFS: loud enough to measure after Opus, far enough from full scale to never clip.
    private const double DefaultAmplitude = 0.5;

    /// <summary><paramref name="amplitude"/> is of full scale (the load generator's legs need one under their 1 kHz marker's).</summary>
    public static void Write(string path, double frequencyHz, double seconds, double amplitude = DefaultAmplitude)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequencyHz);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frequencyHz, SampleRate / 2.0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);

        var toneSamples = (int)Math.Round(seconds * SampleRate);
        var totalSamples = toneSamples + (int)(TrailingSilenceSeconds * SampleRate);
        var dataBytes = totalSamples * sizeof(short);
        var file = new byte[44 + dataBytes];
        var span = file.AsSpan();

        // RIFF header and the PCM "fmt " chunk (WAVE format tag 1).
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * sizeof(short));
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], sizeof(short));
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);

        var samples = span[44..];
        for (var i = 0; i < toneSamples; i++)
        {
            var value = amplitude * Math.Sin(2 * Math.PI * frequencyHz * i / SampleRate);
            BinaryPrimitives.WriteInt16LittleEndian(samples[(i * 2)..], (short)Math.Round(value * short.MaxValue));
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, file);
    }
}
