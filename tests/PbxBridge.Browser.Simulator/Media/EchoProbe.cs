using System.Buffers.Binary;
using System.Diagnostics;
using PbxBridge.Browser.Simulator.Measurement;
using PbxBridge.Media.Opus;

namespace PbxBridge.Browser.Simulator.Media;

/// <summary>
/// Finds the marker burst (<see cref="OpusFrameSource"/>) in the Opus audio that comes back from an echo and
/// records the round trip from the marker's send time to the arrival of the first packet carrying it. Decodes at
/// 8 kHz (cheap; the burst is 1 kHz), on a few probe legs only, so the load generator stays light. Where the PBX
/// socket is the load generator's own, it also tells <see cref="OneWayLatency"/> which packet carried the burst's
/// onset, for the PBX -> browser time.
/// </summary>
internal sealed class EchoProbe : IDisposable
{
    private readonly OpusDecoder _decoder = new(8000);
    private readonly short[] _pcm = new short[8000 * 120 / 1000];
    private readonly List<double> _roundTripsMs = [];
    private readonly OneWayLatency? _oneWay;
    private long _markerSentTicks;
    private bool _previousLoud;
    private int _previousSequence = -1;
    private long _previousArrivalTicks;

    public EchoProbe(OneWayLatency? oneWay = null) => _oneWay = oneWay;

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

        var loud = MarkerOnset.FirstLoudSample(_pcm.AsSpan(0, samples));
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(rtp[2..]);
        if (loud >= 0 && !_previousLoud && _oneWay is not null)
        {
            if (MarkerOnset.IsOnset(loud))
            {
                _oneWay.MarkerEchoArrived(arrivalTicks);
            }
            else if (_previousSequence == (ushort)(sequence - 1))
            {
                _oneWay.MarkerEchoArrived(_previousArrivalTicks);
            }
        }

        _previousLoud = loud >= 0;
        _previousSequence = sequence;
        _previousArrivalTicks = arrivalTicks;
        var sent = Volatile.Read(ref _markerSentTicks);
        if (loud < 0 || sent == 0)
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
