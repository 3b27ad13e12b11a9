using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PbxBridge.Asterisk.Tests.Support;

/// <summary>Keeps log lines so a test can assert on them (ApplicationReplaced must be loud) or show them on failure.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));

    public override string ToString() => string.Join("\n", Lines.Select(l => $"{l.Level}: {l.Message}"));
}
