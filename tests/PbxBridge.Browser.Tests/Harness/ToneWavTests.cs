using System.Buffers.Binary;

namespace PbxBridge.Browser.Tests.Harness;

public sealed class ToneWavTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"tonewav-{Guid.NewGuid():N}.wav");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Header_declares_16_bit_mono_pcm_at_48_khz()
    {
        ToneWav.Write(_path, 1004, 2);
        var file = File.ReadAllBytes(_path);

        Assert.Equal("RIFF"u8.ToArray(), file[..4]);
        Assert.Equal(file.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(4)));
        Assert.Equal("WAVEfmt "u8.ToArray(), file[8..16]);
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(20)));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(22)));
        Assert.Equal(48_000, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(24)));
        Assert.Equal(96_000, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(28)));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(34)));
        Assert.Equal("data"u8.ToArray(), file[36..40]);
        Assert.Equal(file.Length - 44, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(40)));
    }

    [Fact]
    public void Tone_lasts_the_requested_time_then_about_one_second_of_silence_follows()
    {
        ToneWav.Write(_path, 1004, 2);
        var samples = ReadSamples();

        Assert.Equal(3 * 48_000, samples.Length);
        Assert.True(Rms(samples.AsSpan(0, 2 * 48_000)) > 0.3, "the tone part is loud");
        Assert.Equal(0, Rms(samples.AsSpan(2 * 48_000)));
    }

    [Theory]
    [InlineData(440)]
    [InlineData(1004)]
    [InlineData(3000)]
    public void Tone_has_the_requested_frequency(double hz)
    {
        ToneWav.Write(_path, hz, 1);
        var samples = ReadSamples().AsSpan(0, 48_000);

        // Rising zero crossings in one second count the cycles.
        var crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                crossings++;
            }
        }

        Assert.InRange(crossings, hz - 1, hz + 1);
    }

    [Fact]
    public void Frequency_above_nyquist_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ToneWav.Write(_path, 24_000, 1));
    }

    private double[] ReadSamples()
    {
        var data = File.ReadAllBytes(_path).AsSpan(44);
        var samples = new double[data.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(i * 2)..]) / 32768.0;
        }

        return samples;
    }

    private static double Rms(ReadOnlySpan<double> samples)
    {
        var sum = 0.0;
        foreach (var s in samples)
        {
            sum += s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }
}
