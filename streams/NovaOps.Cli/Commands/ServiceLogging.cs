using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace NovaOps.Cli.Commands;

/// <summary>
/// The logs of a <c>run</c> service: one line per event on standard error (standard output keeps the banner
/// and the RUNNING line), UTC timestamps, levels per category from the <c>Logging</c> section. Without it a
/// refused model version, a hand-over commit refused in a rebalance or a failing sink would go unseen.
/// </summary>
internal static class ServiceLogging
{
    public static ILoggerFactory Create(IConfiguration logging) => LoggerFactory.Create(builder => builder
        .AddConfiguration(logging)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        }));
}
