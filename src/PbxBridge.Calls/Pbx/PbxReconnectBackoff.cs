namespace PbxBridge.Calls.Pbx;

/// <summary>
/// Delay before the next attempt to reach the PBX's control interface (ARI events WebSocket, ESL): exponential from
/// <see cref="Initial"/>, capped at <see cref="Cap"/>, with +-20 % jitter so several PbxBridge nodes do not reconnect
/// in lockstep after a PBX restart.
/// </summary>
public sealed class PbxReconnectBackoff
{
    private readonly Random _random;
    private int _attempt;

    public PbxReconnectBackoff(TimeSpan initial, TimeSpan cap, Random? random = null)
    {
        Initial = initial <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : initial;
        Cap = cap < Initial ? Initial : cap;
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
