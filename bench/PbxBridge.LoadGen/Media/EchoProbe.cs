using System.Buffers.Binary;
using System.Diagnostics;
using PbxBridge.Media.Opus;

namespace PbxBridge.LoadGen.Media;

/// <summary>
/// Finds the marker burst (<see cref="OpusFrameSource"/>) in the Opus audio that comes back from an echo and
/// records the round trip from the marker's send time to the arrival of the first packet carrying it. Decodes at
/// 8 kHz (cheap; the burst is 1 kHz), on a few probe legs only, so the load generator stays light.
/// </summary>
internal sealed class EchoProbe : IDisposable
{
    private const int Threshold = OpusFrameSource.MarkerAmplitude / 2;

    private readonly OpusDecoder _decoder = new(8000);
    private readonly short[] _pcm = new short[8000 * 120 / 1000];
    private readonly List<double> _roundTripsMs = [];
    private long _markerSentTicks;

    public volatile bool Recording;

    public IReadOnlyList<double> RoundTripsMs
    {
        get
        {
            lock (_roundTripsMs)
            {
                return [.. _roundTripsMs];
            }
        }
    }

    public void MarkerSent(long ticks) => Volatile.Write(ref _markerSentTicks, ticks);

    /// <summary>One received RTP packet (decrypted) carrying Opus.</summary>
    public void OnPacket(ReadOnlySpan<byte> rtp, long arrivalTicks)
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

        var peak = 0;
        for (var i = 0; i < samples; i++)
        {
            peak = Math.Max(peak, Math.Abs((int)_pcm[i]));
        }

        var sent = Volatile.Read(ref _markerSentTicks);
        if (peak < Threshold || sent == 0)
        {
            return;
        }

        // One measurement per marker: the burst spans two decoded frames (codec look-ahead).
        Volatile.Write(ref _markerSentTicks, 0);
        if (Recording)
        {
            lock (_roundTripsMs)
            {
                _roundTripsMs.Add(Stopwatch.GetElapsedTime(sent, arrivalTicks).TotalMilliseconds);
            }
        }
    }

    public void Dispose() => _decoder.Dispose();
}
