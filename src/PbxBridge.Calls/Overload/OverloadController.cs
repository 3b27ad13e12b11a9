namespace PbxBridge.Calls.Overload;

/// <summary>
/// Decides, one load sample at a time, how far up the <see cref="OverloadStep.Ladder"/> PbxBridge must be so the
/// media loops keep room for their ticks: one step up for each sample in which the busiest loop is awake more than
/// the engage share (or over the release share with late or skipped ticks), straight to the cheapest encoder for every
/// call when it is over the engage share and audio already suffers (many late or any skipped tick), and one step down per release time spent
/// under the release share. Pure: it reads no clock (the samples carry their interval), so tests drive it with figures.
/// Observe is called from one thread; the current step is read from any (media loops, SIP threads) without a lock.
/// </summary>
public sealed class OverloadController
{
    private readonly IReadOnlyList<OverloadStep> _ladder;
    private volatile OverloadStep _current;
    private TimeSpan _calmFor;
    private long _callsRefused;
    private long _stepsEngaged;

    public OverloadController(OverloadSettings settings)
    {
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _ladder = OverloadStep.Ladder(settings);
        _current = _ladder[0];
    }

    public OverloadSettings Settings { get; }

    public IReadOnlyList<OverloadStep> Ladder => _ladder;

    public OverloadStep Current => _current;

    /// <summary>The busiest loop's busy share in the last sample (for the metrics).</summary>
    public double LastBusiestLoopFraction { get; private set; }

    /// <summary>Times a step was engaged (moves up; a jump counts each step it crosses).</summary>
    public long StepsEngaged => Interlocked.Read(ref _stepsEngaged);

    /// <summary>Calls refused (503) because of the last step.</summary>
    public long CallsRefused => Interlocked.Read(ref _callsRefused);

    /// <summary>The Opus complexity a call starting now gets.</summary>
    public int NewCallComplexity => _current.NewCallComplexity;

    /// <summary>The highest complexity any call's encoder may run at now.</summary>
    public int CallComplexityCeiling => _current.CallComplexityCeiling;

    /// <summary>True (and counted) when a new call must be refused now.</summary>
    public bool TryRefuseNewCall()
    {
        if (!_current.RefuseNewCalls)
        {
            return false;
        }

        Interlocked.Increment(ref _callsRefused);
        return true;
    }

    /// <summary>Takes one interval's figures; returns the step change it caused, if any.</summary>
    public OverloadTransition? Observe(MediaLoadSample sample)
    {
        LastBusiestLoopFraction = sample.BusiestLoopFraction;
        if (!Settings.Enabled)
        {
            return null;
        }

        var from = _current;
        var top = _ladder.Count - 1;
        // Late or skipped ticks count only while our own loops carry load: in a nearly idle process they say the
        // machine is busy with someone else's work, and refusing or cheapening calls would not bring the ticks back
        // (a load-generator run found an idle PbxBridge held at the last step by a neighbour's late ticks).
        var carryingLoad = sample.BusiestLoopFraction >= Settings.ReleaseBusyFraction;
        var ticksSuffer = sample.SkippedTicks > 0 || sample.LateTickFraction >= OverloadSettings.EngageLateTickFraction;
        var severe = sample.BusiestLoopFraction >= Settings.EngageBusyFraction
            && (sample.SkippedTicks > 0 || sample.LateTickFraction >= OverloadSettings.SevereLateTickFraction);
        var overloaded = sample.BusiestLoopFraction >= Settings.EngageBusyFraction || (carryingLoad && ticksSuffer);
        var calm = !carryingLoad;

        var level = from.Level;
        if (severe)
        {
            // Straight to the cheapest encoder for every call, but refusing only if the next second is still over:
            // one stalled second (a first call's code compiled on the loop, a GC) must not turn agents away.
            level = Math.Min(top, Math.Max(level + 1, top - 1));
            _calmFor = TimeSpan.Zero;
        }
        else if (overloaded)
        {
            level = Math.Min(top, level + 1);
            _calmFor = TimeSpan.Zero;
        }
        else if (calm && level > 0)
        {
            _calmFor += sample.Interval;
            if (_calmFor >= Settings.ReleaseAfter)
            {
                level--;
                _calmFor = TimeSpan.Zero;
            }
        }
        else
        {
            // Between the two thresholds: hold the step, and the calm time starts again.
            _calmFor = TimeSpan.Zero;
        }

        if (level == from.Level)
        {
            return null;
        }

        if (level > from.Level)
        {
            Interlocked.Add(ref _stepsEngaged, level - from.Level);
        }

        _current = _ladder[level];
        return new OverloadTransition(from, _ladder[level], sample);
    }
}
