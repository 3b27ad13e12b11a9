using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Media;

namespace PbxBridge.Calls.Overload;

/// <summary>
/// Once a second, turns the media loops' counters (time awake, ticks, late and skipped ticks) into a
/// <see cref="MediaLoadSample"/> for the <see cref="OverloadController"/>, and logs each step as it engages and
/// releases. A sample is cheap: a few counter reads per loop, nothing on the media threads.
/// </summary>
public sealed class OverloadMonitor : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly MediaLoopPool _mediaLoops;
    private readonly OverloadController _controller;
    private readonly ILogger _logger;
    private readonly long[] _lastBusy;
    private readonly ITimer _timer;
    private readonly Lock _sampling = new();
    private long _lastTimestamp;
    private MediaLoopActivity _lastActivity;

    public OverloadMonitor(MediaLoopPool mediaLoops, OverloadController controller, ILogger<OverloadMonitor> logger, TimeProvider time)
    {
        _mediaLoops = mediaLoops ?? throw new ArgumentNullException(nameof(mediaLoops));
        _controller = controller ?? throw new ArgumentNullException(nameof(controller));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        ArgumentNullException.ThrowIfNull(time);
        _lastBusy = new long[mediaLoops.Shards];
        _lastTimestamp = Stopwatch.GetTimestamp();
        _lastActivity = mediaLoops.Activity;
        for (var i = 0; i < _lastBusy.Length; i++)
        {
            _lastBusy[i] = mediaLoops.BusyTimestampTicksOf(i);
        }

        _timer = time.CreateTimer(_ => SampleNow(), null, Interval, Interval);
    }

    /// <summary>Takes a sample of the interval since the last one and feeds it to the controller.</summary>
    public void SampleNow()
    {
        lock (_sampling)
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = now - _lastTimestamp;
            if (elapsed <= 0)
            {
                return;
            }

            var busiest = 0.0;
            for (var i = 0; i < _lastBusy.Length; i++)
            {
                var busy = _mediaLoops.BusyTimestampTicksOf(i);
                busiest = Math.Max(busiest, Math.Clamp((busy - _lastBusy[i]) / (double)elapsed, 0, 1));
                _lastBusy[i] = busy;
            }

            var activity = _mediaLoops.Activity;
            var sample = new MediaLoadSample(
                Stopwatch.GetElapsedTime(_lastTimestamp, now),
                busiest,
                activity.Ticks - _lastActivity.Ticks,
                activity.LateTicks - _lastActivity.LateTicks,
                activity.SkippedTicks - _lastActivity.SkippedTicks);
            _lastTimestamp = now;
            _lastActivity = activity;
            Apply(sample);
        }
    }

    /// <summary>Feeds one sample to the controller and logs the step it engaged or released, if any.</summary>
    internal void Apply(MediaLoadSample sample)
    {
        if (_controller.Observe(sample) is { } change)
        {
            Log(change);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Log(OverloadTransition change)
    {
        var s = change.Sample;
        if (change.Engaged)
        {
            _logger.LogWarning(
                "overload step {Level} engaged (busiest media loop {Busy:P0} awake, {Late} of {Ticks} ticks late, {Skipped} skipped): {Step}",
                change.To.Level, s.BusiestLoopFraction, s.LateTicks, s.Ticks, s.SkippedTicks, change.To.Describe());
        }
        else
        {
            _logger.LogInformation(
                "overload step {Level} released after {Seconds} s under {Release:P0} busy: {Step}",
                change.From.Level, (int)_controller.Settings.ReleaseAfter.TotalSeconds, _controller.Settings.ReleaseBusyFraction, change.To.Describe());
        }
    }
}
