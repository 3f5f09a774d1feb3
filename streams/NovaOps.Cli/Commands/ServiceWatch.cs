using Microsoft.Extensions.Logging;

namespace NovaOps.Cli.Commands;

/// <summary>
/// How a running service waits for its stop: until Ctrl-C or SIGTERM, or until its app stops processing on its own.
/// A process whose app no longer reads anything must not look alive to its service manager: it exits with
/// <see cref="StoppedProcessing"/> and systemd's Restart=on-failure starts it again (docs/deploy.md).
/// </summary>
public static class ServiceWatch
{
    /// <summary>Exit code of a service whose app stopped processing on its own.</summary>
    public const int StoppedProcessing = 3;

    /// <summary>Checks <paramref name="failure"/> every <paramref name="period"/> and calls <paramref name="everyPeriod"/> meanwhile; 0 when stopped, <see cref="StoppedProcessing"/> on a failure.</summary>
    public static async Task<int> UntilStoppedAsync(string app, Func<string?> failure, Action? everyPeriod, ILogger log, TimeSpan period, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(period, ct);
                if (failure() is { } reason)
                {
                    log.LogCritical("The {App} service stopped processing: {Reason}. Exiting with code {Code} so that its service manager restarts it.",
                        app, reason, StoppedProcessing);
                    return StoppedProcessing;
                }
                everyPeriod?.Invoke();
            }
        }
        catch (OperationCanceledException) { }
        return 0;
    }
}
