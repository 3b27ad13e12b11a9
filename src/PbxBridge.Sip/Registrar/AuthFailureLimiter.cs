using System.Net;

namespace PbxBridge.Sip.Registrar;

/// <summary>What to do with a request from a source that has been failing digest authentication.</summary>
public enum AuthThrottle
{
    /// <summary>Challenge and verify as usual.</summary>
    Allow,

    /// <summary>Too many failures: 403 Forbidden without a new challenge.</summary>
    Forbid,

    /// <summary>Still hammering while forbidden: 429 Too Many Requests with Retry-After (RFC 6585).</summary>
    TooMany,
}

/// <summary>Counts failed digest authentications per source address in a sliding window, as Kamailio's pike /
/// Asterisk's fail2ban setups do, so a wrong password ends in 403 and a brute force in 429.</summary>
public sealed class AuthFailureLimiter
{
    private readonly Dictionary<IPAddress, Window> _bySource = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly int _maxFailures;
    private readonly TimeSpan _window;

    public AuthFailureLimiter(TimeProvider time, int maxFailures, TimeSpan window)
    {
        _time = time;
        _maxFailures = maxFailures;
        _window = window;
    }

    public AuthThrottle Check(IPAddress source, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        lock (_gate)
        {
            if (!_bySource.TryGetValue(source, out var w) || Expired(w))
            {
                _bySource.Remove(source);
                return AuthThrottle.Allow;
            }

            retryAfter = w.Start + _window - _time.GetUtcNow();
            if (w.Failures >= _maxFailures * 2)
            {
                return AuthThrottle.TooMany;
            }

            return w.Failures >= _maxFailures ? AuthThrottle.Forbid : AuthThrottle.Allow;
        }
    }

    /// <summary>Records a failure; requests refused while forbidden count too, so persistence leads to 429.</summary>
    public void RecordFailure(IPAddress source)
    {
        lock (_gate)
        {
            if (!_bySource.TryGetValue(source, out var w) || Expired(w))
            {
                w = new Window(_time.GetUtcNow(), 0);
            }

            _bySource[source] = w with { Failures = w.Failures + 1 };
        }
    }

    public void RecordSuccess(IPAddress source)
    {
        lock (_gate)
        {
            _bySource.Remove(source);
        }
    }

    public void Sweep()
    {
        lock (_gate)
        {
            foreach (var (source, w) in _bySource.ToArray())
            {
                if (Expired(w))
                {
                    _bySource.Remove(source);
                }
            }
        }
    }

    private bool Expired(Window w) => _time.GetUtcNow() - w.Start >= _window;

    private readonly record struct Window(DateTimeOffset Start, int Failures);
}
