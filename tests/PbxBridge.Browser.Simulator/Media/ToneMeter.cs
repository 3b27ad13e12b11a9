using System.Buffers.Binary;
using PbxBridge.Media.Opus;

namespace PbxBridge.Browser.Simulator.Media;

/// <summary>
/// The dominant frequency of the audio a leg receives, so a test can tell each leg's echo by its own tone (legs that
/// got someone else's media would hear another frequency). Decodes at 8 kHz, keeps the last two seconds, leaves out
/// the loud marker frames (1 kHz bursts, <see cref="OpusFrameSource"/>), and scans 100-3500 Hz with the Goertzel
/// filter over 100 ms blocks. A test tool: one leg's receive thread feeds it, any thread reads it.
/// </summary>
internal sealed class ToneMeter : IDisposable
{
    private const int SampleRate = 8000;
    private const int Window = SampleRate * 2;

    private readonly OpusDecoder _decoder = new(SampleRate);
    private readonly short[] _pcm = new short[SampleRate * 120 / 1000];
    private readonly short[] _window = new short[Window];
    private int _next;
    private int _count;

    /// <summary>One decrypted RTP packet carrying Opus.</summary>
    public void OnPacket(ReadOnlySpan<byte> rtp)
    {
        var headerLength = 12 + (4 * (rtp[0] & 0x0F));
        if ((rtp[0] & 0x10) != 0 && rtp.Length >= headerLength + 4)
        {
            headerLength += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(rtp[(headerLength + 2)..]));
        }

        if (headerLength >= rtp.Length)
        {
            return;
        }

        int samples;
        try
        {
            samples = _decoder.Decode(rtp[headerLength..], _pcm);
        }
        catch (OpusException)
        {
            return;
        }

        var frame = _pcm.AsSpan(0, samples);
        if (MarkerOnset.FirstLoudSample(frame) >= 0)
        {
            return;
        }

        lock (_window)
        {
            foreach (var sample in frame)
            {
                _window[_next] = sample;
                _next = (_next + 1) % Window;
            }

            _count = Math.Min(_count + samples, Window);
        }
    }

    /// <summary>The strongest frequency (5 Hz steps) of the last two seconds, and its RMS level; 0 Hz before any audio.</summary>
    public (double FrequencyHz, double Rms) Dominant()
    {
        short[] samples;
        lock (_window)
        {
            samples = new short[_count];
            for (var i = 0; i < _count; i++)
            {
                samples[i] = _window[(_next - _count + i + Window) % Window];
            }
        }

        if (samples.Length < SampleRate / 4)
        {
            return (0, 0);
        }

        var rms = Math.Sqrt(samples.Average(s => (double)s * s));
        // Power summed over 100 ms blocks (Welch): each block's main lobe is +-10 Hz wide, so the 5 Hz grid always
        // lands on it, and the skipped marker frames' phase jumps cost one block each, not the whole window.
        const int Block = SampleRate / 10;
        var (best, bestPower) = (0.0, 0.0);
        for (var hz = 100.0; hz <= 3500; hz += 5)
        {
            var coefficient = 2 * Math.Cos(2 * Math.PI * hz / SampleRate);
            var power = 0.0;
            for (var start = 0; start + Block <= samples.Length; start += Block)
            {
                double previous = 0, beforePrevious = 0;
                for (var n = start; n < start + Block; n++)
                {
                    var current = samples[n] + (coefficient * previous) - beforePrevious;
                    beforePrevious = previous;
                    previous = current;
                }

                power += (previous * previous) + (beforePrevious * beforePrevious) - (coefficient * previous * beforePrevious);
            }

            if (power > bestPower)
            {
                (best, bestPower) = (hz, power);
            }
        }

        return (best, rms);
    }

    public void Dispose() => _decoder.Dispose();
}
