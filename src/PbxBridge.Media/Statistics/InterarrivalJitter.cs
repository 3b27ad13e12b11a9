using System.Diagnostics;

namespace PbxBridge.Media.Statistics;

/// <summary>
/// RFC 3550 §6.4.1 / Appendix A.8 interarrival jitter: the running mean deviation (gain 1/16) of the difference in
/// transit time between consecutive packets, in RTP timestamp units. Arrival times are Stopwatch ticks.
/// </summary>
public struct InterarrivalJitter
{
    private readonly double _unitsPerTick;
    private bool _hasPrevious;
    private long _previousArrival;
    private uint _previousTimestamp;

    public InterarrivalJitter(int clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        ClockRate = clockRate;
        _unitsPerTick = clockRate / (double)Stopwatch.Frequency;
    }

    public int ClockRate { get; }

    /// <summary>The estimate J in timestamp units (what an RTCP report block carries).</summary>
    public double Units { get; private set; }

    public readonly double Milliseconds => ClockRate == 0 ? 0 : Units * 1000.0 / ClockRate;

    public void Update(uint rtpTimestamp, long arrivalTicks)
    {
        if (_hasPrevious)
        {
            // D(i-1,i) = (Rj - Ri) - (Sj - Si); the timestamp difference is taken modulo 2^32 so the wrap is harmless.
            var arrivalDelta = (arrivalTicks - _previousArrival) * _unitsPerTick;
            var timestampDelta = (double)(int)(rtpTimestamp - _previousTimestamp);
            var d = Math.Abs(arrivalDelta - timestampDelta);
            Units += (d - Units) / 16.0;
        }

        _hasPrevious = true;
        _previousArrival = arrivalTicks;
        _previousTimestamp = rtpTimestamp;
    }

    /// <summary>Forgets the previous packet (new SSRC) but keeps the estimate: the network did not change.</summary>
    public void RestartTransit() => _hasPrevious = false;
}
