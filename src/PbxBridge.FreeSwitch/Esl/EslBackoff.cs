namespace PbxBridge.FreeSwitch.Esl;

/// <summary>Reconnect delays: 0.5 s, 1 s, 2 s, ... doubling up to a cap, back to the start after a good connection.</summary>
public sealed class EslBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private int _failures;

    public EslBackoff(TimeSpan initial, TimeSpan max)
    {
        _initial = initial <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : initial;
        _max = max < _initial ? _initial : max;
    }

    /// <summary>The delay before the next attempt; each call counts one more failure.</summary>
    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 20);
        _failures++;
        var delay = TimeSpan.FromTicks(_initial.Ticks << exponent);
        return delay > _max || delay <= TimeSpan.Zero ? _max : delay;
    }

    public void Reset() => _failures = 0;
}
