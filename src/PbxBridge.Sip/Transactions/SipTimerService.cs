namespace PbxBridge.Sip.Transactions;

/// <summary>Creates the stack's timers on one <see cref="TimeProvider"/> and runs their callbacks inside the stack's
/// serialized section, counting live timers so a test (or /metrics) can see that none is left behind.</summary>
internal sealed class SipTimerService
{
    private readonly Action<Action> _execute;

    public SipTimerService(TimeProvider time, SipTimerValues values, SipStackCounters counters, Action<Action> execute)
    {
        Time = time;
        Values = values;
        Counters = counters;
        _execute = execute;
    }

    public TimeProvider Time { get; }

    public SipTimerValues Values { get; }

    public SipStackCounters Counters { get; }

    public void Execute(Action action) => _execute(action);

    public SipTimer Start(string name, TimeSpan due, Action callback) => new(this, name, due, callback);
}
