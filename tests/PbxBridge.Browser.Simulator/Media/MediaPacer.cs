using System.Diagnostics;

namespace PbxBridge.Browser.Simulator.Media;

/// <summary>
/// The one sending thread for every leg, as the issue asks: real 20 ms pacing, with legs spread over four 5 ms
/// slots so PbxBridge sees N independent browsers rather than one burst of N packets per 20 ms. If the machine
/// stalls the thread, missed slots are sent at once (a browser would too) and counted.
/// </summary>
internal sealed class MediaPacer : IDisposable
{
    private const int Slots = 4;
    private static readonly long SlotTicks = Stopwatch.Frequency / 200;

    private readonly Lock _gate = new();
    private readonly Thread _thread;
    private volatile Action[] _legs = [];
    private volatile bool _stopping;
    private long _lateSlots;
    private long _maxLagTicks;
    private long _passesStarted;
    private long _passesFinished;

    public MediaPacer()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "loadgen-pacer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Slots that started more than 5 ms late: the load generator, not PbxBridge, was behind.</summary>
    public long LateSlots => Interlocked.Read(ref _lateSlots);

    public double MaxLagMs => Interlocked.Read(ref _maxLagTicks) * 1000.0 / Stopwatch.Frequency;

    public void Add(Action sendFrame)
    {
        lock (_gate)
        {
            _legs = [.. _legs, sendFrame];
        }
    }

    /// <summary>
    /// Takes a leg out and returns once the pacer no longer runs it: a pass that read the old list may be inside the
    /// leg's send right now, and the caller disposes the leg's SRTP context next (a load run died with
    /// ObjectDisposedException from SrtpContext.Protect on this thread when Remove returned at once).
    /// </summary>
    public void Remove(Action sendFrame)
    {
        lock (_gate)
        {
            _legs = Array.FindAll(_legs, leg => leg != sendFrame);
        }

        if (Thread.CurrentThread == _thread)
        {
            return;
        }

        var started = Interlocked.Read(ref _passesStarted);
        var spin = new SpinWait();
        while (Interlocked.Read(ref _passesFinished) < started && !_stopping && _thread.IsAlive)
        {
            spin.SpinOnce();
        }
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _lateSlots, 0);
        Interlocked.Exchange(ref _maxLagTicks, 0);
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }

    private void Run()
    {
        var next = Stopwatch.GetTimestamp();
        long slot = 0;
        while (!_stopping)
        {
            var now = Stopwatch.GetTimestamp();
            if (now < next)
            {
                Thread.Sleep(Math.Max(0, (int)((next - now) * 1000 / Stopwatch.Frequency) - 1) is var ms && ms > 0 ? ms : 1);
                continue;
            }

            var lag = now - next;
            if (lag > SlotTicks)
            {
                Interlocked.Increment(ref _lateSlots);
            }

            if (lag > Interlocked.Read(ref _maxLagTicks))
            {
                Interlocked.Exchange(ref _maxLagTicks, lag);
            }

            // Counted before the list is read, so a Remove that swapped the list after this read waits for this pass.
            var pass = Interlocked.Increment(ref _passesStarted);
            var legs = _legs;
            var phase = (int)(slot % Slots);
            for (var i = phase; i < legs.Length; i += Slots)
            {
                legs[i]();
            }

            Interlocked.Exchange(ref _passesFinished, pass);

            slot++;
            next += SlotTicks;
        }
    }
}
