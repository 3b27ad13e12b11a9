namespace PbxBridge.Sip.Transport;

/// <summary>A token bucket: <c>capacity</c> tokens at most, refilled at <c>ratePerSecond</c>; each message takes one.
/// Owned by one receive loop, so it has no lock; it reads the time it is given, so a test can drive it.</summary>
internal sealed class TokenBucket
{
    private readonly double _ratePerTick;
    private readonly double _capacity;
    private double _tokens;
    private long _lastTicks;

    public TokenBucket(int ratePerSecond, int capacity, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ratePerTick = ratePerSecond / (double)TimeSpan.TicksPerSecond;
        _capacity = capacity;
        _tokens = capacity;
        _lastTicks = now.UtcTicks;
    }

    public bool TryTake(DateTimeOffset now)
    {
        Refill(now);
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }

    /// <summary>How long until one token is back (zero when one is there now).</summary>
    public TimeSpan UntilNextToken(DateTimeOffset now)
    {
        Refill(now);
        return _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling((1 - _tokens) / _ratePerTick));
    }

    private void Refill(DateTimeOffset now)
    {
        var elapsed = now.UtcTicks - _lastTicks;
        if (elapsed <= 0)
        {
            // A clock that steps back must not mint tokens.
            return;
        }

        _tokens = Math.Min(_capacity, _tokens + (elapsed * _ratePerTick));
        _lastTicks = now.UtcTicks;
    }
}
