namespace PbxBridge.Calls.Pbx;

/// <summary>
/// Keeps <see cref="IPbxLegObserver"/>'s promises for one leg, for every adapter: ringing, media, answer and hangup at
/// most once each, nothing after hangup, and (for inbound calls, whose observer comes later) everything that happened
/// before <see cref="Attach"/> replayed in order. Observer calls are made outside the relay's lock; one that throws
/// is handed to <c>onObserverFailed</c> and does not stop the adapter.
/// </summary>
public sealed class PbxLegRelay
{
    private readonly Lock _gate = new();
    private readonly List<Action<IPbxLegObserver>> _pending = [];
    private readonly Action<Exception>? _onObserverFailed;
    private IPbxLegObserver? _observer;
    private bool _rang;
    private bool _media;
    private bool _answered;
    private bool _earlyMedia;
    private bool _ended;

    public PbxLegRelay(IPbxLegObserver? observer = null, Action<Exception>? onObserverFailed = null)
    {
        _observer = observer;
        _onObserverFailed = onObserverFailed;
    }

    public bool HasEnded
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    public bool HasAnswered
    {
        get
        {
            lock (_gate)
            {
                return _answered;
            }
        }
    }

    /// <summary>Gives the leg its observer (once) and replays what happened so far.</summary>
    public void Attach(IPbxLegObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        List<Action<IPbxLegObserver>> replay;
        lock (_gate)
        {
            if (_observer is not null)
            {
                throw new InvalidOperationException("an observer is already attached");
            }

            _observer = observer;
            replay = [.. _pending];
            _pending.Clear();
        }

        foreach (var action in replay)
        {
            Invoke(observer, action);
        }
    }

    public void Ringing() => Raise(ref _rang, o => o.OnRinging());

    public void MediaReady(PbxMediaAnswer media) => Raise(ref _media, o => o.OnMediaReady(media));

    public void Answered() => Raise(ref _answered, o => o.OnAnswered());

    /// <summary>The PBX's audio before answer is meant to be heard (183 with SDP): only observers that can carry it hear of it.</summary>
    public void EarlyMedia() => Raise(ref _earlyMedia, o => (o as IPbxEarlyMediaObserver)?.OnEarlyMedia());

    /// <summary>A digit from the PBX (may repeat).</summary>
    public void Dtmf(char digit, TimeSpan duration)
    {
        var repeatable = false;
        Raise(ref repeatable, o => o.OnDtmf(digit, duration));
    }

    /// <summary>A change of the PBX's hold (may repeat).</summary>
    public void PbxHold(bool held)
    {
        var repeatable = false;
        Raise(ref repeatable, o => o.OnPbxHold(held));
    }

    /// <summary>Ends the leg with <see cref="IPbxLegObserver.OnHangup"/>; true for the first caller only, the one
    /// that ends the leg.</summary>
    public bool Hangup(PbxCause cause) => End(o => o.OnHangup(cause));

    /// <summary>Ends the leg without telling the observer (our own hangup, where the PBX does not report it back);
    /// true for the first caller only.</summary>
    public bool EndQuietly() => End(null);

    private bool End(Action<IPbxLegObserver>? report)
    {
        IPbxLegObserver? observer;
        lock (_gate)
        {
            if (_ended)
            {
                return false;
            }

            _ended = true;
            observer = _observer;
            if (report is not null && observer is null)
            {
                _pending.Add(report);
                return true;
            }
        }

        if (report is not null)
        {
            Invoke(observer!, report);
        }

        return true;
    }

    private void Raise(ref bool done, Action<IPbxLegObserver> action)
    {
        IPbxLegObserver? observer;
        lock (_gate)
        {
            if (_ended || done)
            {
                return;
            }

            done = true;
            observer = _observer;
            if (observer is null)
            {
                _pending.Add(action);
                return;
            }
        }

        Invoke(observer, action);
    }

    private void Invoke(IPbxLegObserver observer, Action<IPbxLegObserver> action)
    {
        try
        {
            action(observer);
        }
        catch (Exception e) when (_onObserverFailed is not null)
        {
            _onObserverFailed(e);
        }
    }
}
