using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Cli.Commands;
using NovaOps.Tests.Shared;

namespace NovaOps.Cli.Tests;

/// <summary>How a `run` service waits: until stopped, or until its app stops processing, which it exits on.</summary>
public class ServiceWatchTests
{
    [Fact]
    public async Task A_service_whose_app_stops_processing_exits_with_its_own_code_and_says_why()
    {
        var logs = new RecordedLogs();
        int polls = 0, ticks = 0;
        int code = await ServiceWatch.UntilStoppedAsync("anomaly", () => ++polls >= 3 ? "every stream thread stopped" : null, () => ticks++,
            logs.CreateLogger("NovaOps.Service"), TimeSpan.FromMilliseconds(10), new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(ServiceWatch.StoppedProcessing, code);
        Assert.Equal(2, ticks); // the periodic work ran while the app was healthy, not after
        var said = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Critical, said.Level);
        Assert.Contains("The anomaly service stopped processing: every stream thread stopped", said.Message);
    }

    [Fact]
    public async Task A_healthy_service_runs_until_stopped_and_exits_with_zero()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        int ticks = 0;
        int code = await ServiceWatch.UntilStoppedAsync("rca", () => null, () => ticks++, NullLogger.Instance, TimeSpan.FromMilliseconds(10), stop.Token);

        Assert.Equal(0, code);
        Assert.True(ticks > 3, $"{ticks} periods");
    }
}
