using Microsoft.Extensions.Logging;

namespace PbxBridge.Calls;

/// <summary>
/// A call's logger for the code that logs on threads the call's logging scope does not reach: the media loop (ICE),
/// the DTLS thread and the thread pool (close_notify). Every line opens the call's scope itself, so it carries the
/// call id, agent and PBX-side id like the call's own lines. Lines are per event, never per packet.
/// </summary>
internal sealed class CallScopedLogger(ILogger inner, Func<Dictionary<string, object?>> scope) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        using (inner.BeginScope(scope()))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
