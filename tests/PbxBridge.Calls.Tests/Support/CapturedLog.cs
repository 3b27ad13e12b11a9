using Microsoft.Extensions.Logging;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>
/// Every line the code under test logs, with the scope values in force where it was written. Scopes live in an
/// AsyncLocal, as in Serilog's LogContext: they flow with async code and not onto threads that were not started from
/// inside them (a media loop, a thread-pool item queued without the execution context).
/// </summary>
internal sealed class CapturedLog : ILoggerFactory
{
    private readonly AsyncLocal<ScopeFrame?> _scope = new();
    private readonly Lock _gate = new();
    private readonly List<LogLine> _lines = [];

    public IReadOnlyList<LogLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    /// <summary>The first line whose message contains <paramref name="text"/>, waiting up to 10 s for it.</summary>
    public async Task<LogLine> WaitForAsync(string text)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (Lines.FirstOrDefault(l => l.Message.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"nothing logged '{text}'; logged:\n{string.Join('\n', Lines)}");
    }

    private void Add(LogLine line)
    {
        lock (_gate)
        {
            _lines.Add(line);
        }
    }

    private sealed record ScopeFrame(object? State, ScopeFrame? Parent);

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            var parent = log._scope.Value;
            log._scope.Value = new ScopeFrame(state, parent);
            return new Pop(() => log._scope.Value = parent);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var frame = log._scope.Value; frame is not null; frame = frame.Parent)
            {
                if (frame.State is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        scope.TryAdd(key, value);
                    }
                }
            }

            log.Add(new LogLine(category, logLevel, formatter(state, exception), scope));
        }
    }

    private sealed class Pop(Action pop) : IDisposable
    {
        public void Dispose() => pop();
    }
}

/// <summary>One captured line and the scope values (CallId, Agent, PbxId, ...) it carried.</summary>
internal sealed record LogLine(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scope)
{
    public override string ToString() =>
        $"{Level} {Category}: [{string.Join(' ', Scope.Select(s => $"{s.Key}={s.Value}"))}] {Message}";
}
