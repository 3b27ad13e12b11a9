using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

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

/// <summary>Counts failed digest authentications per source address, as Kamailio's pike / Asterisk's fail2ban setups
/// do: a wrong password ends in 403 and a brute force in 429, each answer to the source delayed twice as long as the
/// one before (the delay is the caller's to schedule; nothing here sleeps). A source is forgiven after a window with
/// no failure. Failures are logged once per window per source, with their count, so a flood makes one line a minute,
/// not one per attempt.</summary>
public sealed partial class AuthFailureLimiter
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private readonly Dictionary<IPAddress, Source> _bySource = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly int _maxFailures;
    private readonly TimeSpan _window;
    private readonly TimeSpan _maxDelay;
    private readonly ILogger _logger;

    public AuthFailureLimiter(TimeProvider time, int maxFailures, TimeSpan window, TimeSpan maxDelay, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFailures);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _time = time;
        _maxFailures = maxFailures;
        _window = window;
        _maxDelay = maxDelay;
        _logger = logger;
    }

    /// <summary>
    /// A failure was recorded here (not one <see cref="RecordRemoteFailure"/> reported): a cluster shares it with the
    /// other nodes, so an address cannot try Limits:AuthFailures passwords on each node behind the front. Raised
    /// outside the lock; must not block.
    /// </summary>
    public event Action<IPAddress>? FailureRecorded;

    /// <summary>Sources with failures on record (for leak checks).</summary>
    public int TrackedSources
    {
        get
        {
            lock (_gate)
            {
                return _bySource.Count;
            }
        }
    }

    public AuthThrottle Check(IPAddress source, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_bySource.TryGetValue(source, out var s) || Forgiven(s, now))
            {
                return AuthThrottle.Allow;
            }

            retryAfter = s.LastFailure + _window - now;
            if (s.Failures >= _maxFailures * 2)
            {
                return AuthThrottle.TooMany;
            }

            return s.Failures >= _maxFailures ? AuthThrottle.Forbid : AuthThrottle.Allow;
        }
    }

    /// <summary>Records a failure (requests refused while throttled count too, so persistence leads to 429) and returns
    /// how long the response to it should wait: nothing below the threshold, then 1 s, 2 s, 4 s ... up to the cap.</summary>
    public TimeSpan RecordFailure(IPAddress source)
    {
        var now = _time.GetUtcNow();
        Report? report = null;
        TimeSpan delay;
        lock (_gate)
        {
            if (!_bySource.TryGetValue(source, out var s))
            {
                s = new Source(now);
                _bySource[source] = s;
            }
            else if (Forgiven(s, now))
            {
                s.Failures = 0;
            }

            if (now - s.WindowStart >= _window)
            {
                report = CloseWindow(source, s, now);
            }

            s.Failures++;
            s.WindowFailures++;
            s.LastFailure = now;
            delay = DelayAfter(s.Failures);
        }

        Log(report);
        FailureRecorded?.Invoke(source);
        return delay;
    }

    /// <summary>
    /// Another node of the cluster saw <paramref name="source"/> fail: it counts toward this node's 403 / 429 and delay
    /// as a failure here would. Not logged here (the node that saw it logs it), and not raised again.
    /// </summary>
    public void RecordRemoteFailure(IPAddress source)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_bySource.TryGetValue(source, out var s))
            {
                s = new Source(now);
                _bySource[source] = s;
            }
            else if (Forgiven(s, now))
            {
                s.Failures = 0;
            }

            s.Failures++;
            s.LastFailure = now;
        }
    }

    /// <summary>The source proved a password: its throttle ends. What it failed in this window is still reported.</summary>
    public void RecordSuccess(IPAddress source)
    {
        lock (_gate)
        {
            if (_bySource.TryGetValue(source, out var s))
            {
                s.Failures = 0;
            }
        }
    }

    /// <summary>Closes the windows that are over (logging those that reached the threshold) and forgets quiet sources.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow();
        List<Report>? reports = null;
        lock (_gate)
        {
            List<IPAddress>? quiet = null;
            foreach (var (source, s) in _bySource)
            {
                if (now - s.WindowStart >= _window && CloseWindow(source, s, now) is { } report)
                {
                    (reports ??= []).Add(report);
                }

                if (s.WindowFailures == 0 && Forgiven(s, now))
                {
                    (quiet ??= []).Add(source);
                }
            }

            foreach (var source in quiet ?? [])
            {
                _bySource.Remove(source);
            }
        }

        foreach (var report in reports ?? [])
        {
            Log(report);
        }
    }

    private Report? CloseWindow(IPAddress source, Source s, DateTimeOffset now)
    {
        var report = s.WindowFailures >= _maxFailures ? new Report(source, s.WindowFailures) : (Report?)null;
        s.WindowStart = now;
        s.WindowFailures = 0;
        return report;
    }

    private TimeSpan DelayAfter(int failures)
    {
        if (failures < _maxFailures)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - _maxFailures, 30);
        return TimeSpan.FromTicks(Math.Min(_maxDelay.Ticks, FirstDelay.Ticks << doublings));
    }

    private bool Forgiven(Source s, DateTimeOffset now) => now - s.LastFailure >= _window;

    private void Log(Report? report)
    {
        if (report is { } r)
        {
            LogFailures(r.Failures, r.Source, ((int)_window.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} failed authentications from {Address} in the last {Window}")]
    private partial void LogFailures(int count, IPAddress address, string window);

    private readonly record struct Report(IPAddress Source, int Failures);

    private sealed class Source(DateTimeOffset now)
    {
        /// <summary>Failures since the source was last forgiven: drive 403 / 429 and the delay.</summary>
        public int Failures { get; set; }

        public DateTimeOffset LastFailure { get; set; } = now;

        public DateTimeOffset WindowStart { get; set; } = now;

        /// <summary>Failures in the current log window.</summary>
        public int WindowFailures { get; set; }
    }
}
