namespace PbxBridge.Sip.Transactions;

/// <summary>One named one-shot timer (Timer A ... Timer K, session and registration timers). Stopping is idempotent;
/// a timer that fires after being stopped does nothing.</summary>
internal sealed class SipTimer : IDisposable
{
    private readonly SipTimerService _service;
    private readonly Action _callback;
    private readonly ITimer _timer;
    private int _stopped;

    public SipTimer(SipTimerService service, string name, TimeSpan due, Action callback)
    {
        _service = service;
        _callback = callback;
        Name = name;
        service.Counters.TimerStarted();
        _timer = service.Time.CreateTimer(_ => service.Execute(Fire), null, due, Timeout.InfiniteTimeSpan);
    }

    public string Name { get; }

    private void Fire()
    {
        if (Stop())
        {
            _callback();
        }
    }

    /// <summary>Returns true if this call stopped a running timer.</summary>
    public bool Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return false;
        }

        _timer.Dispose();
        _service.Counters.TimerStopped();
        return true;
    }

    public void Dispose() => Stop();
}
