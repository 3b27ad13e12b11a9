using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>Keeps every line an endpoint logs, with its level, for tests that read the log as an admin would.</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));

    public override string ToString() => string.Join('\n', Lines.Select(l => $"{l.Level}: {l.Message}"));
}
