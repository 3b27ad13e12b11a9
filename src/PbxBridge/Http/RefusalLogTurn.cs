namespace PbxBridge.Http;

/// <summary>
/// One log line per window for a kind of refusal, however many a flood makes: the line says how many were refused
/// since the last one. Shared by the per-address connection limit and the Origin check.
/// </summary>
public sealed class RefusalLogTurn(TimeProvider time, TimeSpan window)
{
    private readonly Lock _gate = new();
    private long _refusedAtLastLog;
    private DateTimeOffset? _lastLog;

    /// <summary>True at most once per window, when <paramref name="refusedSoFar"/> moved since the last line.</summary>
    public bool TryTake(long refusedSoFar, out long refusedSinceLastLine)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            refusedSinceLastLine = refusedSoFar - _refusedAtLastLog;
            if (refusedSinceLastLine == 0 || (_lastLog is { } last && now - last < window))
            {
                return false;
            }

            _lastLog = now;
            _refusedAtLastLog = refusedSoFar;
            return true;
        }
    }
}
