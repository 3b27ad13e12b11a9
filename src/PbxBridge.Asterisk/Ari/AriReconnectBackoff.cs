namespace PbxBridge.Asterisk.Ari;

/// <summary>
/// Delay before the next events-WebSocket connect attempt: exponential from <see cref="Initial"/>, capped at
/// <see cref="Cap"/>, with +-20 % jitter so several PbxBridge nodes do not reconnect in lockstep after an Asterisk restart.
/// </summary>
public sealed class AriReconnectBackoff
{
    private readonly Random _random;
    private int _attempt;

    public AriReconnectBackoff(TimeSpan initial, TimeSpan cap, Random? random = null)
    {
        Initial = initial;
        Cap = cap;
        _random = random ?? Random.Shared;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Cap { get; }

    /// <summary>The delay for the next attempt; each call doubles the base until the cap.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_attempt, 20);
        _attempt++;
        var baseMs = Math.Min(Cap.TotalMilliseconds, Initial.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = baseMs * (0.8 + (0.4 * _random.NextDouble()));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, Cap.TotalMilliseconds));
    }

    /// <summary>A connection succeeded: start again from <see cref="Initial"/>.</summary>
    public void Reset() => _attempt = 0;
}
