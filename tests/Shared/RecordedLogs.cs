using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NovaOps.Tests.Shared;

/// <summary>A logger factory that keeps every message at Warning and above, to assert what an app said.</summary>
public sealed class RecordedLogs : ILoggerFactory
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose() { }

    private sealed class Recorder(RecordedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) logs.Entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : $" [{exception}]")));
        }
    }
}
