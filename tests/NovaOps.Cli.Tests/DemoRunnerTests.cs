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
        // 300 VMs at 7.5k records/s for 40 s: 1000 ticks, about 2.8 simulated hours, several faults after the 40-minute
        // warm-up. Not faster: on a CI machine busy with the other test projects, an executor a few wall seconds behind
        // acted after short faults had already ended (seen once at 15k records/s: no fault ended by an action).
        var runDir = Directory.CreateTempSubdirectory("novaops-run-");
        var options = new DemoOptions { Vms = 300, Duration = TimeSpan.FromSeconds(40), Rate = 7_500, Seed = 7, Live = false, RunDirectory = runDir.FullName };
        var (summary, report, loop) = await new DemoRunner(settings, options, new Spectre.Console.Testing.TestConsole()).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(summary.EventsSent, summary.EventsIn); // every sample sent was read
        Assert.InRange(summary.EventsSent, 290_000, 300_000); // 1000 ticks of 300 VMs, less what restarting VMs did not send
        Assert.True(summary.FaultsInjected >= 3, $"{summary.FaultsInjected} faults");
        Assert.True(summary.Recall >= 0.5, $"recall {summary.Recall}");
        Assert.True(summary.RcaFaultsCovered >= summary.FaultsDetected / 2, $"{summary.RcaFaultsCovered} of {summary.FaultsDetected} detected faults in a ranked incident");
        Assert.NotNull(summary.RcaTop3);
        Assert.True(summary.RcaTop3 >= 0.5, $"true root cause in the top 3 of {summary.RcaTop3:P0} of incidents");
        Assert.Equal(NovaOps.Rca.RootCauseAnalyzer.DefaultMethod, summary.RcaMethod);
        Assert.NotEmpty(report.Faults);

        // The loop closes: the executor acted on the simulated fleet, which ended faults because of it.
        Assert.Equal("on", summary.Remediation);
        Assert.True(summary.ActionsExecuted >= 1, $"{summary.ActionsExecuted} actions");
        Assert.True(summary.FaultsResolvedByActions >= 1,
            $"{summary.FaultsResolvedByActions} faults ended by actions ({summary.ActionsExecuted} executed, {summary.ActionsBlockedByGuardrails} blocked; per fault: " +
            string.Join("; ", loop.Faults.Select(f => $"{f.Kind} first action {f.FirstActionSeconds?.ToString() ?? "-"} s, recovered {f.RecoverSeconds} s")) + ")");
        Assert.NotNull(summary.MttrMedianSeconds);
        Assert.NotNull(summary.AutomationRate);
        // A fault something ended was ended by an executed action, or by a person the page sent (automation had left it alone).
        Assert.All(loop.Faults.Where(f => f.ResolvedBy is not null), f => Assert.True(f.FirstActionSeconds is not null || f.HumanNeeded, f.FaultId));
        // The fleet's own account of its service: faults impaired some VM-seconds, so no tier with a fault is at 100 %.
        Assert.NotEmpty(summary.Availability);
        Assert.All(summary.Availability.Values, a => Assert.InRange(a, 0.5, 1));
        Assert.True(summary.ImpairedVmSeconds > 0);
        Assert.Contains(summary.Availability.Values, a => a < 1);
        Assert.InRange(summary.HarmVmSeconds, 0, summary.ImpairedVmSeconds);

        // The simulation's clock waited for the apps: no tick ran before they had answered the ticks before it, and an
        // action the executor decided started in the fleet within a tick or two of its evidence (data time), not after
        // the wall-clock lag times the time compression (about 300 simulated seconds per wall second here).
        Assert.Equal(0, summary.ClockStalls);
        var actions = RunRecord.Read<NovaOps.Contracts.ActionRecord>(runDir.FullName, RunRecord.Actions)
            .Where(a => a.Outcome == NovaOps.Contracts.ActionOutcome.Executed).ToDictionary(a => a.ActionId);
        var ended = RunRecord.Read<NovaOps.Contracts.FaultLabel>(runDir.FullName, RunRecord.Faults)
            .Where(f => f.ResolveStartedMs > 0 && actions.ContainsKey(f.ResolvedBy) && actions[f.ResolvedBy].Runbook != "on-call pager").ToList();
        Assert.NotEmpty(ended);
        Assert.All(ended, f => Assert.InRange(f.ResolveStartedMs - actions[f.ResolvedBy].AtMs, 0, 30_000));

        // The recorded run renders: a PNG of every fault on one time axis and a page with the faults' table.
        try
        {
            var rendered = NovaOps.Cli.Report.RunReport.Render(runDir.FullName, runDir.FullName);
            Assert.Equal(Math.Min(8, summary.FaultsInjected), rendered.Faults);
            var png = File.ReadAllBytes(rendered.Png);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.True(png.Length > 50_000, $"the PNG is {png.Length} bytes");
            string html = File.ReadAllText(rendered.Html);
            Assert.Contains("report.png", html);
            var shown = RunRecord.Read<NovaOps.Contracts.FaultLabel>(runDir.FullName, RunRecord.Faults).OrderBy(f => f.OnsetMs).Take(rendered.Faults);
            Assert.All(shown, f => Assert.Contains(f.FaultId, html));
            Assert.True(File.ReadAllLines(Path.Combine(runDir.FullName, RunRecord.Telemetry)).Length > 1000, "the run recorded the telemetry of the faults' VMs");
        }
        finally { runDir.Delete(recursive: true); }
    }
}
