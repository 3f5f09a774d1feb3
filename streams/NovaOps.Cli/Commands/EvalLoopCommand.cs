using System.CommandLine;
using NovaOps.Cli.Demo;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops eval loop</c>: the closed loop over several held-out seeds, each run with the remediation executor and
/// again without it (an on-call paged by every alarm), on the same fleet and faults; availability per tier in nines,
/// time to recovery from its parts, automation, harm (docs/simulator.md has the cost model).
/// </summary>
public static class EvalLoopCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var seeds = new Option<string>("--seeds")
        {
            Description = "Held-out simulator seeds, comma-separated", DefaultValueFactory = _ => string.Join(",", NovaOps.Simulator.SimulatorSeeds.Evaluation),
        };
        var vms = new Option<int>("--vms") { Description = "VMs in the simulated fleet", DefaultValueFactory = _ => 300 };
        var hours = new Option<double>("--hours") { Description = "Simulated hours per run (the first 40 minutes have no fault)", DefaultValueFactory = _ => 6 };
        var faultsPerHour = new Option<double>("--faults-per-hour") { Description = "Mean faults per simulated hour over the fleet", DefaultValueFactory = _ => 12 };
        var rate = new Option<double>("--rate") { Description = "Telemetry records per wall second", DefaultValueFactory = _ => 10_000 };
        var remediation = new Option<string>("--remediation") { Description = "on (the executor), off (no executor: the on-call paged by every alarm), or both on the same seeds", DefaultValueFactory = _ => "both" };
        remediation.AcceptOnlyFromAmong("on", "off", "both");
        var approveAfter = new Option<double>("--approve-after")
        {
            Description = "Simulated minutes after which the on-call approves a destructive action", DefaultValueFactory = _ => 5,
        };
        var detector = CommonOptions.Detector();
        var runDir = new Option<string?>("--run-dir") { Description = "Record each run in a folder of this one (seed-S-on, seed-S-off: faults, anomalies, actions, as demo --run-dir)" };
        var json = CommonOptions.Json("the scorecard");
        var cmd = new Command("loop", "Availability, time to recovery from its parts, automation and harm of the closed loop over held-out seeds, with and without remediation")
            { seeds, vms, hours, faultsPerHour, rate, remediation, approveAfter, detector, runDir, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var list = SeedStatistics.ParseSeeds(parse.GetValue(seeds)) ?? throw new CliException("--seeds is required");
            int n = parse.GetValue(vms);
            double h = parse.GetValue(hours), r = parse.GetValue(rate);
            if (n < 1 || h <= 0 || r <= 0 || parse.GetValue(faultsPerHour) < 0) throw new CliException("--vms, --hours and --rate must be positive");
            long ticks = (long)Math.Ceiling(h * 3600 / new NovaOps.Simulator.SimulatorOptions().SampleInterval.TotalSeconds);
            string mode = parse.GetValue(remediation)!;
            var options = new DemoOptions
            {
                Vms = n, Rate = r, Duration = TimeSpan.FromSeconds(ticks * (double)n / r), Live = false, MalformedPerMillion = 0,
                FaultsPerHour = parse.GetValue(faultsPerHour), Detector = parse.GetValue(detector),
                ApproveAfter = parse.GetValue(approveAfter) > 0 ? TimeSpan.FromMinutes(parse.GetValue(approveAfter)) : null,
            };
            string? RunDirectory(int seed, string side) => parse.GetValue(runDir) is { } dir ? Path.Combine(dir, $"seed-{seed}-{side}") : null;
            var runs = new List<LoopRun>();
            foreach (int seed in list)
            {
                DemoSummary? on = null, off = null;
                Evaluation.GroundTruth.ClosedLoopReport? onLoop = null, offLoop = null;
                if (mode is "on" or "both")
                {
                    console.MarkupLineInterpolated($"[bold]seed {seed}[/], remediation on ({runs.Count + 1} of {list.Count})");
                    (on, _, onLoop) = await new DemoRunner(settings, options with { Seed = seed, Remediation = RemediationMode.On, RunDirectory = RunDirectory(seed, "on") }, console).RunAsync(ct);
                }
                if (mode is "off" or "both")
                {
                    console.MarkupLineInterpolated($"[bold]seed {seed}[/], remediation off: the on-call is paged by every alarm");
                    (off, _, offLoop) = await new DemoRunner(settings, options with { Seed = seed, Remediation = RemediationMode.OnCall, RunDirectory = RunDirectory(seed, "off") }, console).RunAsync(ct);
                }
                // With remediation off only, its run stands in the "on" column of the scorecard.
                runs.Add(on is null ? new LoopRun(seed, off!, offLoop!, null, null) : new LoopRun(seed, on, onLoop!, off, offLoop));
            }
            var card = LoopScorecard.Of(runs, n, h);
            JsonOutput.Write(parse.GetValue(json), card);
            Print(console, card);
            return 0;
        });
        return cmd;
    }

    private static void Print(IAnsiConsole console, LoopScorecard c)
    {
        var tiers = new Table().Title($"Availability, {c.Seeds.Count} seeds × {c.SimulatedHours:0.#} h × {c.Vms} VMs ({c.Faults} faults)")
            .AddColumns("tier", "on", "nines", "off", "nines");
        foreach (var (tier, a) in c.Availability)
            tiers.AddRow(tier, $"{a.On:P4}", $"{a.NinesOn:F2}", a.Off is { } off ? $"{off:P4}" : "-", a.NinesOff is { } no ? $"{no:F2}" : "-");
        console.Write(tiers);
        var parts = new Table().Title("Time to recovery from its parts (mean s)").AddColumns("fault kind", "n", "detect", "decide", "act", "verify", "total");
        foreach (var (kind, p) in c.MttrParts)
            parts.AddRow(kind, $"{p.Faults}", $"{p.Detect:F0}", $"{p.Decide:F1}", $"{p.Act:F0}", $"{p.Recover:F0}", $"{p.Total:F0}");
        console.Write(parts);
        var causes = new Table().Title("Impaired VM-seconds by cause (mean per seed)").AddColumns("cause", "on", "off");
        foreach (string cause in c.ImpairedByCauseOn.Keys.Union(c.ImpairedByCauseOff?.Keys ?? []))
            causes.AddRow(cause, $"{c.ImpairedByCauseOn.GetValueOrDefault(cause):N0}", c.ImpairedByCauseOff is { } off ? $"{off.GetValueOrDefault(cause):N0}" : "-");
        console.Write(causes);
        string Range(string key) => c.Interval95.TryGetValue(key, out var i) ? Markup.Escape($" [{i.Low:P1}, {i.High:P1}]") : "";
        var summary = new Table().Title("Closed loop").AddColumns("figure", "value")
            .AddRow("impaired VM-seconds on / off", $"{c.ImpairedOn:N0} / {(c.ImpairedOff is { } io ? io.ToString("N0") : "-")}")
            .AddRow("automation rate (95 %)", $"{c.AutomationRate:P1}{Range("automation_rate")}")
            .AddRow("harmful actions (95 %)", $"{c.HarmfulActionShare:P1}{Range("harmful_action_share")} of {c.ActionsExecuted}")
            .AddRow("pages on / off", $"{c.PagesOn} / {(c.PagesOff is { } po ? po.ToString() : "-")}")
            .AddRow("time to decide p50 / p99 (wall)", $"{c.DecideP50?.ToString("F2") ?? "-"} / {c.DecideP99?.ToString("F2") ?? "-"} s")
            .AddRow("prevented before onset (median lead)", $"{c.Prevented} ({c.PreventedMedianLead?.ToString("F0") ?? "-"} s)");
        console.Write(summary);
    }
}
