using System.Net;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// Holds the contract's promises for one leg: ringing, media, answer and hangup at most once each, nothing after
/// hangup, and (for inbound calls) everything that happened before <see cref="Attach"/> replayed in order.
/// </summary>
internal sealed class LegObserverRelay
{
    private readonly object _gate = new();
    private readonly List<Action<IPbxLegObserver>> _pending = [];
    private IPbxLegObserver? _observer;
    private bool _rang;
    private bool _media;
    private bool _answered;
    private bool _earlyMedia;
    private bool _hungUp;

    public LegObserverRelay(IPbxLegObserver? observer = null) => _observer = observer;

    public bool HasHungUp
    {
        get
        {
            lock (_gate)
            {
                return _hungUp;
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

    public void Attach(IPbxLegObserver observer)
    {
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
            action(observer);
        }
    }

    public void Ringing() => Raise(ref _rang, o => o.OnRinging());

    public void MediaReady(PbxMediaAnswer media) => Raise(ref _media, o => o.OnMediaReady(media));

    public void Answered() => Raise(ref _answered, o => o.OnAnswered());

    /// <summary>The PBX's audio before answer is meant to be heard (183 with SDP): only observers that can carry it hear of it.</summary>
    public void EarlyMedia() => Raise(ref _earlyMedia, o => (o as IPbxEarlyMediaObserver)?.OnEarlyMedia());

    /// <summary>True for the first call only: the caller that ends the leg.</summary>
    public bool Hangup(PbxCause cause)
    {
        IPbxLegObserver? observer;
        lock (_gate)
        {
            if (_hungUp)
            {
                return false;
            }

            _hungUp = true;
            observer = _observer;
            if (observer is null)
            {
                _pending.Add(o => o.OnHangup(cause));
                return true;
            }
        }

        observer.OnHangup(cause);
        return true;
    }

    private void Raise(ref bool done, Action<IPbxLegObserver> action)
    {
        IPbxLegObserver? observer;
        lock (_gate)
        {
            if (_hungUp || done)
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

        action(observer);
    }
}
