namespace PbxBridge.Sip.Transport;

/// <summary>What a connection does with a message after the rate check.</summary>
internal enum SipRateVerdict
{
    Accept,

    /// <summary>Over the limit: a request is answered 503 with Retry-After, anything else dropped.</summary>
    Refuse,

    /// <summary>Over the limit and already answering refusals as fast as it may: dropped unanswered, so a peer that
    /// never reads cannot make us queue a 503 per message it floods us with.</summary>
    RefuseSilently,

    /// <summary>Over the limit for longer than the grace: the connection ends (WebSocket 1008).</summary>
    Close,
}

/// <summary>The per-connection rate check of <see cref="SipMessageRateLimit"/>: one bucket for the messages, one for
/// our 503 answers, and the flood streak that decides when to give up on the connection. One receive loop owns it.</summary>
internal sealed class SipMessageRateGuard
{
    /// <summary>A streak of refusals ends once the peer has stayed within the limit this long.</summary>
    private static readonly TimeSpan StreakEndsAfter = TimeSpan.FromSeconds(1);

    private readonly SipMessageRateLimit _limit;
    private readonly TokenBucket _messages;
    private readonly TokenBucket _answers;
    private readonly TimeSpan _logWindow;
    private DateTimeOffset? _streakStart;
    private DateTimeOffset _lastRefusal;
    private DateTimeOffset? _lastLog;

    public SipMessageRateGuard(SipMessageRateLimit limit, DateTimeOffset now, TimeSpan logWindow)
    {
        _limit = limit;
        _messages = new TokenBucket(limit.MessagesPerSecond, limit.Burst, now);
        _answers = new TokenBucket(limit.MessagesPerSecond, limit.Burst, now);
        _logWindow = logWindow;
    }

    /// <summary>Messages refused since the connection opened.</summary>
    public long Refused { get; private set; }

    /// <summary>Refusals since the last log line about them.</summary>
    public long RefusedSinceLog { get; private set; }

    public SipRateVerdict Admit(DateTimeOffset now)
    {
        if (_messages.TryTake(now))
        {
            return SipRateVerdict.Accept;
        }

        Refused++;
        RefusedSinceLog++;
        if (_streakStart is null || now - _lastRefusal >= StreakEndsAfter)
        {
            _streakStart = now;
        }

        _lastRefusal = now;
        if (now - _streakStart.Value >= _limit.FloodGrace)
        {
            return SipRateVerdict.Close;
        }

        return _answers.TryTake(now) ? SipRateVerdict.Refuse : SipRateVerdict.RefuseSilently;
    }

    /// <summary>Whole seconds until a message would be accepted again (RFC 3261 Retry-After is delta-seconds).</summary>
    public int RetryAfterSeconds(DateTimeOffset now) => Math.Max(1, (int)Math.Ceiling(_messages.UntilNextToken(now).TotalSeconds));

    /// <summary>True at most once per log window: the caller then logs <see cref="RefusedSinceLog"/>, which restarts.</summary>
    public bool TakeLogTurn(DateTimeOffset now)
    {
        if (_lastLog is { } last && now - last < _logWindow)
        {
            return false;
        }

        _lastLog = now;
        return true;
    }

    public void Logged() => RefusedSinceLog = 0;
}
