using NovaOps.Cli;
using NovaOps.Cli.Demo;

namespace NovaOps.Cli.Tests;

/// <summary>
/// A short demo end to end on the embedded broker: simulator, anomaly app, RCA app, collector, and the
/// summary's figures against the simulator's ground truth.
/// </summary>
public class DemoRunnerTests
{
    [Fact]
    public async Task A_short_demo_detects_faults_names_their_root_causes_and_ends_some_by_actions()
    {
        var settings = NovaOpsSettings.Load() with { Metrics = new NovaOps.Observability.MetricsOptions { Port = 0 } };
        // 300 VMs at 15k records/s for 20 s: 1000 ticks, about 2.8 simulated hours, several faults after the 40-minute warm-up.
        var options = new DemoOptions { Vms = 300, Duration = TimeSpan.FromSeconds(20), Rate = 15_000, Seed = 7, Live = false };
        var (summary, report, loop) = await new DemoRunner(settings, options).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(300_000, summary.EventsIn);
        Assert.True(summary.FaultsInjected >= 3, $"{summary.FaultsInjected} faults");
        Assert.True(summary.Recall >= 0.5, $"recall {summary.Recall}");
        Assert.True(summary.RcaFaultsCovered >= summary.FaultsDetected / 2, $"{summary.RcaFaultsCovered} of {summary.FaultsDetected} detected faults in a ranked incident");
        Assert.NotNull(summary.RcaTop3);
        Assert.True(summary.RcaTop3 >= 0.5, $"true root cause in the top 3 of {summary.RcaTop3:P0} of incidents");
        Assert.Equal("combined", summary.RcaMethod);
        Assert.NotEmpty(report.Faults);

        // The loop closes: the executor acted on the simulated fleet, which ended faults because of it.
        Assert.Equal("on", summary.Remediation);
        Assert.True(summary.ActionsExecuted >= 1, $"{summary.ActionsExecuted} actions");
        Assert.True(summary.FaultsResolvedByActions >= 1, $"{summary.FaultsResolvedByActions} faults ended by actions");
        Assert.NotNull(summary.MttrMedianSeconds);
        Assert.NotNull(summary.AutomationRate);
        Assert.All(loop.Faults.Where(f => f.ResolvedBy is not null), f => Assert.NotNull(f.FirstActionSeconds));
    }
}
