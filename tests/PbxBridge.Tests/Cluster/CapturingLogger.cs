using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PbxBridge.Tests.Cluster;

/// <summary>Keeps every log line (level and text), for tests of what is logged and how often.</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Lines.Enqueue((logLevel, formatter(state, exception)));
    }

    public int Count(LogLevel level, string containing) => Lines.Count(l => l.Level == level && l.Text.Contains(containing, StringComparison.Ordinal));
}
