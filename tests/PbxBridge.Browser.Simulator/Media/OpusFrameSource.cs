using PbxBridge.Media.Opus;

namespace PbxBridge.Browser.Simulator.Media;

/// <summary>
/// The audio every leg sends, Opus-encoded once at start (48 kHz mono, 20 ms, what a browser sends) so the load
/// generator spends its CPU on packets, not on encoding. From a WAV (16-bit mono 48 kHz) or a generated voice-band
/// signal. Every <see cref="MarkerPeriod"/>-th frame is replaced by a loud 1 kHz burst: a leg that finds the burst
/// in the echo measures the round trip through PbxBridge and the PBX.
/// </summary>
internal sealed class OpusFrameSource
{
    public const int SampleRate = 48000;
    public const int SamplesPerFrame = SampleRate / 50;
    public const int MarkerPeriod = 50;
    public const short MarkerAmplitude = 24000;

    private OpusFrameSource(byte[][] frames, short[][] pcm)
    {
        Frames = frames;
        Pcm = pcm;
    }

    /// <summary>Opus payloads, one per 20 ms; index with frame number modulo <see cref="Count"/>.</summary>
    public byte[][] Frames { get; }

    /// <summary>The 48 kHz PCM each frame was encoded from (the libopus baseline re-encodes it).</summary>
    public short[][] Pcm { get; }

    public int Count => Frames.Length;

    public static bool IsMarker(long frameNumber) => frameNumber % MarkerPeriod == 0;

    public static OpusFrameSource Create(string? wavPath, int seconds)
    {
        var samples = wavPath is null ? Generate(seconds) : WavReader.ReadMono16(wavPath, SampleRate);
        var count = samples.Length / SamplesPerFrame;
        count -= count % MarkerPeriod;
        if (count == 0)
        {
            throw new InvalidOperationException($"{wavPath} holds less than {MarkerPeriod * 20} ms of audio");
        }

        using var encoder = new OpusEncoder(new OpusEncoderSettings(SampleRate, Complexity: 5, Bitrate: 32000));
        var frames = new byte[count][];
        var pcm = new short[count][];
        var packet = new byte[OpusEncoder.MaxPacketBytes];
        for (var i = 0; i < count; i++)
        {
            var frame = samples.AsSpan(i * SamplesPerFrame, SamplesPerFrame).ToArray();
            if (IsMarker(i))
            {
                for (var n = 0; n < frame.Length; n++)
                {
                    frame[n] = (short)(MarkerAmplitude * Math.Sin(2 * Math.PI * 1000 * n / SampleRate));
                }
            }

            pcm[i] = frame;
            frames[i] = packet.AsSpan(0, encoder.Encode(frame, packet)).ToArray();
        }

        return new OpusFrameSource(frames, pcm);
    }

    /// <summary>Two voice-band partials with a 3 Hz syllable-like envelope, peak well under the marker's level.</summary>
    private static short[] Generate(int seconds)
    {
        var samples = new short[seconds * SampleRate];
        for (var n = 0; n < samples.Length; n++)
        {
            var t = (double)n / SampleRate;
            var envelope = 0.55 + (0.45 * Math.Sin(2 * Math.PI * 3 * t));
            samples[n] = (short)(envelope * ((3500 * Math.Sin(2 * Math.PI * 310 * t)) + (2500 * Math.Sin(2 * Math.PI * 1230 * t))));
        }

        return samples;
    }
}
