namespace PbxBridge.Calls.Overload;

/// <summary>
/// What the media loops did over one sampling interval: the busiest loop's share of the wall clock spent awake
/// (0..1; a loop near 1 has no room left before its ticks go late) and, over all loops, the ticks run, started more
/// than 5 ms late, and skipped after a loop fell 100 ms behind.
/// </summary>
public readonly record struct MediaLoadSample(TimeSpan Interval, double BusiestLoopFraction, long Ticks, long LateTicks, long SkippedTicks)
{
    /// <summary>Share of the interval's ticks that started late; 0 when none ran.</summary>
    public double LateTickFraction => Ticks > 0 ? LateTicks / (double)Ticks : 0;
}
