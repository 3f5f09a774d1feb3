using System.CommandLine;
using NovaOps.Cli.Demo;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops demo</c>: the whole spine on one machine, with its detection quality.</summary>
internal static class DemoCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var defaults = new DemoOptions();
        var vms = new Option<int>("--vms") { Description = "VMs in the simulated fleet", DefaultValueFactory = _ => defaults.Vms };
        var duration = new Option<double>("--duration") { Description = "Length of the simulation in wall-clock seconds at --rate (ticks = duration × rate / VMs); when something acts, the simulated clock also waits for the apps, so a run may take longer", DefaultValueFactory = _ => defaults.Duration.TotalSeconds };
        var seed = new Option<int>("--seed") { Description = "Simulator seed (default: the first held-out seed; 42, the models' training seed, flatters)", DefaultValueFactory = _ => defaults.Seed };
        var seeds = new Option<string?>("--seeds")
        {
            Description = $"Run once per seed (comma-separated, e.g. {string.Join(",", NovaOps.Simulator.SimulatorSeeds.Evaluation)}) and report each figure's mean, spread and 95 % interval",
        };
        var rate = new Option<double>("--rate") { Description = "Telemetry records per second", DefaultValueFactory = _ => defaults.Rate };
        var bootstrap = CommonOptions.BootstrapServers();
        var summaryJson = new Option<FileInfo?>("--summary-json") { Description = "Write the run's summary as JSON to this file" };
        var detector = CommonOptions.Detector();
        var remediation = new Option<string>("--remediation")
        {
            Description = "on: the executor acts on the simulated fleet; dry-run: it decides and audits only; off: nothing acts; on-call: no executor, every alarm pages a person",
            DefaultValueFactory = _ => "on",
        };
        remediation.AcceptOnlyFromAmong("on", "dry-run", "off", "on-call");
        var approveAfter = new Option<double>("--approve-after")
        {
            Description = "Simulated minutes after which the demo's on-call approves a destructive action (drain, evacuate); 0: nobody approves",
            DefaultValueFactory = _ => defaults.ApproveAfter!.Value.TotalMinutes,
        };
        var runDir = new Option<string?>("--run-dir") { Description = "Record the run in this folder (faults, telemetry of the VMs they hit, anomalies, predictions, actions) for `novaops report`" };
        var cmd = new Command("demo", "Run broker, simulator, anomaly, RCA and remediation end to end and score the loop against the ground truth")
            { vms, duration, seed, seeds, rate, bootstrap, summaryJson, detector, remediation, approveAfter, runDir };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = defaults with
            {
                Vms = parse.GetValue(vms),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                Seed = parse.GetValue(seed),
                Rate = parse.GetValue(rate),
                BootstrapServers = parse.GetValue(bootstrap),
                Detector = parse.GetValue(detector),
                Remediation = parse.GetValue(remediation) switch
                {
                    "off" => RemediationMode.Off, "dry-run" => RemediationMode.DryRun, "on-call" => RemediationMode.OnCall, _ => RemediationMode.On,
                },
                ApproveAfter = parse.GetValue(approveAfter) > 0 ? TimeSpan.FromMinutes(parse.GetValue(approveAfter)) : null,
                RunDirectory = parse.GetValue(runDir),
            };
            if (options.Vms < 1 || options.Duration <= TimeSpan.Zero || options.Rate <= 0)
                throw new CliException("--vms, --duration and --rate must be positive");
            if (SeedStatistics.ParseSeeds(parse.GetValue(seeds)) is { } list)
            {
                if (options.RunDirectory is not null) throw new CliException("--run-dir records one run: give --seed, not --seeds");
                var runs = new List<DemoSummary>();
                foreach (int s in list)
                {
                    console.MarkupLineInterpolated($"[bold]seed {s}[/] ({runs.Count + 1} of {list.Count})");
                    runs.Add((await new DemoRunner(settings, options with { Seed = s }, console).RunAsync(ct)).Summary);
                }
                var stats = SeedStatistics.Of(runs);
                PrintSeeds(console, runs, stats);
                JsonOutput.Write(parse.GetValue(summaryJson), SeedsJson(runs, stats));
                return 0;
            }
            if (SimulatorSeedsWarning(options.Seed) is { } warning) console.MarkupLine(warning);
            var (summary, report, loop) = await new DemoRunner(settings, options, console).RunAsync(ct);
            Print(console, summary, report, loop);
            JsonOutput.Write(parse.GetValue(summaryJson), summary);
            return 0;
        });
        return cmd;
    }

    private static string? SimulatorSeedsWarning(int seed) => NovaOps.Simulator.SimulatorSeeds.IsTraining(seed)
        ? $"[yellow]seed {seed} is a training seed: the shipped models learnt this fleet, so its figures flatter them[/]" : null;

    private static readonly string[] SeedFigures =
    [
        "precision", "recall", "median_detection_delay_s", "early_warnings", "median_early_warning_lead_s", "alarm_episodes",
        "incident_precision", "incident_recall", "median_lead_time_s", "rca_top1", "rca_top3", "mttr_median_s", "automation_rate",
    ];

    private static void PrintSeeds(IAnsiConsole console, IReadOnlyList<DemoSummary> runs, IReadOnlyList<SeedStatistic> stats)
    {
        var table = new Table().Title($"{runs.Count} seeds ({string.Join(", ", runs.Select(r => r.Seed))}): mean ± 95 % interval")
            .AddColumns("figure", "mean", "± 95 %", "sd", "runs");
        foreach (var s in stats.Where(s => SeedFigures.Contains(s.Name)).OrderBy(s => Array.IndexOf(SeedFigures, s.Name)))
            table.AddRow(s.Name, $"{s.Mean:G4}", double.IsNaN(s.HalfWidth95) ? "-" : $"{s.HalfWidth95:G3}", $"{s.StandardDeviation:G3}", $"{s.Runs}");
        console.Write(table);
    }

    private static Dictionary<string, object> SeedsJson(IReadOnlyList<DemoSummary> runs, IReadOnlyList<SeedStatistic> stats) => new()
    {
        ["seeds"] = runs.Select(r => r.Seed).ToList(),
        ["detector"] = runs[0].Detector,
        ["runs"] = runs,
        ["mean"] = stats.ToDictionary(s => s.Name, s => (object)Math.Round(s.Mean, 4)),
        ["sd"] = stats.ToDictionary(s => s.Name, s => (object)Math.Round(s.StandardDeviation, 4)),
        ["ci95"] = stats.ToDictionary(s => s.Name, s => (object)(double.IsNaN(s.HalfWidth95) ? 0 : Math.Round(s.HalfWidth95, 4))),
        ["runs_with"] = stats.ToDictionary(s => s.Name, s => (object)s.Runs),
    };

    private static void Print(IAnsiConsole console, DemoSummary s, Evaluation.GroundTruth.DetectionReport report, Evaluation.GroundTruth.ClosedLoopReport loop)
    {
        console.Write(FaultTable.Of(report, loop));
        var table = new Table().Title("Summary").AddColumns("metric", "value")
            .AddRow("events sent / in", $"{s.EventsSent:N0} / {s.EventsIn:N0}")
            .AddRow("anomaly windows / alarm episodes", $"{s.Anomalies:N0} / {s.AlarmEpisodes:N0}")
            .AddRow("faults injected / detected", $"{s.FaultsInjected} / {s.FaultsDetected}")
            .AddRow("precision (episodes)", $"{s.Precision:P1}")
            .AddRow("recall", $"{s.Recall:P1}")
            .AddRow("median detection delay from onset", s.MedianDetectionDelaySeconds is { } m ? $"{m:F0} s" : "-")
            .AddRow("early warnings (median lead)", $"{s.EarlyWarnings}" + (s.MedianEarlyWarningLeadSeconds is { } lead ? $" ({lead:F0} s)" : ""))
            .AddRow("dead-lettered", $"{s.DeadLettered:N0}")
            .AddRow("simulated / wall", $"{s.SimulatedMinutes:F0} min / {s.WallSeconds:F0} s");
        if (s.IncidentModel is not null)
            table.AddRow($"predictions ({s.IncidentModel})", $"{s.Predictions:N0}")
                .AddRow("incident alarms right (precision; alarms on VMs already hurting left out)",
                    s.IncidentPrecision is { } p ? $"{p:P1} ({s.IncidentAlarmsDuringIncidents:N0} left out)" : "-")
                .AddRow("incidents predicted (recall; of those with a precursor)",
                    s.IncidentRecall is { } r ? $"{r:P1} ({(s.IncidentRecallWithPrecursor is { } rp ? $"{rp:P1}" : "-")})" : "-")
                .AddRow("median lead time before onset", s.MedianLeadTimeSeconds is { } l ? $"{l:F0} s" : "-");
        table.AddRow($"incidents ranked ({s.RcaMethod} RCA): of a fault / of none", $"{s.RcaIncidents:N0} / {s.RcaUnmatchedIncidents:N0}")
            .AddRow("faults in a ranked incident", $"{s.RcaFaultsCovered} of {s.FaultsInjected}")
            .AddRow("true root cause first / in top 3", s.RcaTop1 is { } t1 && s.RcaTop3 is { } t3 ? $"{t1:P1} / {t3:P1}" : "-")
            .AddRow($"remediation ({s.Remediation}): actions executed / blocked by guardrails", $"{s.ActionsExecuted:N0} / {s.ActionsBlockedByGuardrails:N0}")
            .AddRow("approvals asked / pages", $"{s.ApprovalsRequested:N0} / {s.Pages:N0}")
            .AddRow("faults ended by actions (prevented before onset)", $"{s.FaultsResolvedByActions} of {s.FaultsInjected} ({s.FaultsPrevented})")
            .AddRow("median time to recover (MTTR)", s.MttrMedianSeconds is { } mttr ? $"{mttr:F0} s" : "-")
            .AddRow("automation rate (ended with no human)", s.AutomationRate is { } ar ? $"{ar:P1}" : "-")
            .AddRow("actions that failed", $"{s.ActionsFailed:N0}")
            .AddRow("time to decide p50 / p99 (wall)", s.DecideP50Seconds is { } d50 ? $"{d50:F2} / {s.DecideP99Seconds:F2} s" : "-")
            .AddRow("ticks run before the apps caught up", $"{s.ClockStalls}")
            .AddRow("availability per tier (nines)", string.Join(", ", s.Availability.Select(a => $"{a.Key} {a.Value:P3} ({s.Nines[a.Key]:F1})")))
            .AddRow("impaired VM-seconds (by needless actions)", $"{s.ImpairedVmSeconds:N0} ({s.HarmVmSeconds:N0})");
        console.Write(table);
    }
}
