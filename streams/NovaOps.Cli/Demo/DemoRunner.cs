using System.Diagnostics;
using NovaOps.Broker;
using NovaOps.Detection;
using NovaOps.Evaluation.GroundTruth;
using NovaOps.Observability;
using NovaOps.Simulator;
using NovaOps.Simulator.Emit;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;
using NovaOps.Streams.Anomaly;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NovaOps.Cli.Demo;

/// <summary>
/// The main job on one machine: broker (embedded unless given), topics, the anomaly and RCA apps, the remediation
/// executor and the placement service (unless remediation is off), the fleet simulator and a collector that reads
/// the results back; at the end, the detection quality against the simulator's ground truth and the closed loop.
/// </summary>
public sealed class DemoRunner(NovaOpsSettings settings, DemoOptions options, IAnsiConsole console)
{
    public async Task<(DemoSummary Summary, DetectionReport Report, ClosedLoopReport Loop)> RunAsync(CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var topics = settings.Kafka.Topics;
        using var kafka = KafkaConnection.Open(CommonOptions.OptionalKafka(options.BootstrapServers, settings));
        await RegionTopics.EnsureAsync(kafka.Topics, settings, ct);
        // When something acts, the simulation steps its clock on the apps' progress (PipelineBarrier): every consumer
        // then fetches again within milliseconds of having caught up.
        var client = options.Remediation == RemediationMode.Off ? kafka.Client : kafka.Client with { FetchWaitMaxMs = 5 };

        var metrics = new PipelineMetrics("anomaly");
        using var endpoint = TryServeMetrics(metrics);
        var anomaly = CommonOptions.WithDetector(settings, options.Detector);
        var detectorFactory = anomaly.ModelFreeDetector();
        string modelFreeName = detectorFactory(new FeatureSchema(Contracts.MetricNames.Standard)).Name;
        // A fresh state directory per run: the demo always starts from an empty fleet history.
        var streams = settings.Streams with
        {
            StateDirectory = Path.Combine(settings.Streams.StateDirectory, $"demo-{Guid.NewGuid():N}"),
            SessionTimeoutMs = kafka.SessionTimeoutMs(settings.Streams.SessionTimeoutMs),
            PollMs = options.Remediation == RemediationMode.Off ? settings.Streams.PollMs : 5,
        };
        await using var app = new AnomalyApp(client, topics, anomaly, streams, detectorFactory, metrics);
        string detectorName = anomaly.Detector switch
        {
            Streams.Anomaly.Scoring.DetectorMode.Onnx => app.ActiveModel!,
            Streams.Anomaly.Scoring.DetectorMode.Combined => $"combined({modelFreeName}, {app.ActiveModel})",
            _ => modelFreeName,
        };
        await app.StartAsync(ct);
        // The RCA app reports on the same registry (one /metrics for the demo).
        await using var rca = new NovaOps.Streams.Rca.RcaApp(client, topics, settings.Rca with { ApplicationId = $"{settings.Rca.ApplicationId}-demo-{Guid.NewGuid():N}"[..40] },
            streams with { StateDirectory = streams.StateDirectory + "-rca" }, new PipelineMetrics("rca", metrics.Registry));
        await rca.StartAsync(ct);
        await using var remediation = options.Remediation is RemediationMode.Off or RemediationMode.OnCall ? null : await StartRemediationAsync(client, metrics, ct);
        // Drains and zone evacuations go through the failover planner, on the placement service's view of the fleet
        // (the simulator publishes its inventory when it takes commands).
        await using var placement = remediation is null ? null : new NovaOps.Streams.Placement.PlacementApp(client, topics, settings.Placement,
            new PipelineMetrics("placement", metrics.Registry), $"novaops-placement-demo-{Guid.NewGuid():N}");
        if (placement is not null) await placement.StartAsync(ct);

        using var collector = new OutcomeCollector(client, topics, recordTelemetry: options.RunDirectory is not null);
        collector.Start();

        long ticks = Math.Max(1, (long)(options.Duration.TotalSeconds * options.Rate / options.Vms));
        var simOptions = new SimulatorOptions { Seed = options.Seed, Vms = options.Vms };
        if (options.FaultsPerHour is { } perHour) simOptions = simOptions with { FaultsPerHour = perHour };
        simOptions = simOptions.EndingAt(DateTimeOffset.UtcNow, ticks);
        var fleet = new FleetLayout(simOptions);
        var generator = new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, ticks));
        if (options.RunDirectory is not null)
            collector.RecordTelemetryOf(RunRecord.VmsToRecord(generator.Plan.Faults.Select(f => FaultPlan.ToLabel(f, fleet, generator.TickToMs))));
        // Without the executor, the baseline is an on-call person paged by every alarm; with it, the on-call is paged by
        // the alarms automation has not acted on within 10 minutes.
        using var pager = options.Remediation switch
        {
            RemediationMode.OnCall => new AlarmPager(client, topics, TimeSpan.FromHours(1)),
            RemediationMode.On => new AlarmPager(client, topics, TimeSpan.FromHours(1), automationFirst: TimeSpan.FromMinutes(10)),
            _ => null,
        };
        pager?.Start();
        bool acting = remediation is not null || pager is not null;
        var barrier = acting ? Barrier(metrics, remediation, pager) : null;
        var emitter = new TelemetryEmitter(generator, topics, client,
            new EmitterOptions { Ticks = ticks, RecordsPerSecond = options.Rate, MalformedPerMillion = options.MalformedPerMillion,
                AcceptCommands = acting, ReadCommandsToEnd = acting, BeforeTick = barrier is null ? null : barrier.WaitAsync });

        using var onCall = remediation is null || options.ApproveAfter is not { } approveAfter ? null
            : new SimulatedOnCall(client, topics, approveAfter, () => emitter.Progress.SimulatedMs);
        onCall?.Start();
        using var lag = new ConsumerLagProbe(client, app.Positions, metrics);
        var emitting = emitter.RunAsync(ct);
        await Watch(emitting, emitter.Progress, metrics, collector, lag, ticks, ct);

        // A fault an action ended has a second label: one per fault, ending where the action ended it.
        var labels = FaultLabels.Merge(collector.Labels);
        var anomalies = collector.Anomalies.ToList();
        var report = DetectionEvaluation.Evaluate(labels, anomalies, grace: TimeSpan.FromMinutes(5));
        var predicted = app.ActiveIncidentModel is null ? null : PredictionEvaluation.Evaluate(labels, collector.Predictions.ToList(), anomaly.Features.Window);
        var zoneOfVm = anomalies.GroupBy(a => a.VmId).ToDictionary(g => g.Key, g => g.First().Zone);
        var rootCauses = RootCauseEvaluation.Evaluate(labels, collector.RootCauses.ToList(), zoneOfVm, grace: TimeSpan.FromMinutes(5));
        var decide = DecideLatency(collector, emitter, generator);
        var loop = ClosedLoopEvaluation.Evaluate(labels, anomalies, collector.Predictions.ToList(), collector.Actions.ToList(), grace: TimeSpan.FromMinutes(5),
            decideWallSeconds: decide);
        var summary = new DemoSummary(
            EventsIn: (long)metrics.RecordsIn(topics.Telemetry).Value,
            EventsSent: emitter.Progress.Records,
            Anomalies: report.Anomalies,
            AlarmEpisodes: report.Episodes,
            FaultsInjected: report.FaultsInjected,
            FaultsDetected: report.FaultsDetected,
            Precision: Math.Round(report.Precision, 4),
            Recall: Math.Round(report.Recall, 4),
            MedianDetectionDelaySeconds: report.MedianDetectionDelaySeconds,
            EarlyWarnings: report.EarlyWarnings,
            MedianEarlyWarningLeadSeconds: report.MedianEarlyWarningLeadSeconds,
            DeadLettered: (long)metrics.DeadLetteredTotal(),
            Vms: options.Vms,
            SimulatedMinutes: Math.Round(ticks * simOptions.SampleInterval.TotalMinutes, 1),
            WallSeconds: Math.Round(wall.Elapsed.TotalSeconds, 1),
            Seed: options.Seed,
            TrainingSeed: NovaOps.Simulator.SimulatorSeeds.IsTraining(options.Seed),
            Detector: detectorName,
            Predictions: predicted?.Predictions ?? 0,
            IncidentPrecision: predicted is null ? null : Math.Round(predicted.AlarmPrecision, 4),
            IncidentAlarmsDuringIncidents: predicted?.AlarmsDuringIncidents,
            IncidentRecall: predicted is null ? null : Math.Round(predicted.IncidentRecall, 4),
            IncidentRecallWithPrecursor: predicted is not { IncidentsWithPrecursor: > 0 } p ? null
                : Math.Round(p.IncidentsWithPrecursorPredicted / (double)p.IncidentsWithPrecursor, 4),
            MedianLeadTimeSeconds: predicted?.MedianLeadTimeSeconds,
            IncidentModel: app.ActiveIncidentModel,
            RcaIncidents: rootCauses.Incidents,
            RcaUnmatchedIncidents: rootCauses.Unmatched,
            RcaFaultsCovered: rootCauses.FaultsWithIncident,
            RcaTop1: rootCauses.Incidents == 0 ? null : Math.Round(rootCauses.Top1, 4),
            RcaTop3: rootCauses.Incidents == 0 ? null : Math.Round(rootCauses.Top3, 4),
            RcaMethod: settings.Rca.Method,
            Remediation: options.Remediation.ToString().ToLowerInvariant(),
            ActionsExecuted: loop.ActionsExecuted,
            ActionsBlockedByGuardrails: loop.ActionsBlockedByGuardrails,
            ApprovalsRequested: loop.ApprovalsRequested,
            Pages: loop.Pages,
            FaultsResolvedByActions: loop.ResolvedByActions,
            FaultsPrevented: loop.Prevented,
            MttrMedianSeconds: loop.MttrMedianSeconds,
            AutomationRate: loop.AutomationRate is { } rate ? Math.Round(rate, 4) : null,
            Availability: emitter.Availability.Tiers.Keys.Order().ToDictionary(t => t.ToString().ToLowerInvariant(), t => Math.Round(emitter.Availability.Availability(t), 7)),
            Nines: emitter.Availability.Tiers.Keys.Order().ToDictionary(t => t.ToString().ToLowerInvariant(), t => LoopScorecard.Nines(emitter.Availability.Availability(t))),
            ImpairedVmSeconds: Math.Round(emitter.Availability.ImpairedSeconds(), 1),
            HarmVmSeconds: Math.Round(emitter.Availability.HarmSeconds, 1),
            ImpairedByCause: emitter.Availability.ImpairedByCause.OrderByDescending(kv => kv.Value).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 1)),
            ActionsFailed: emitter.Progress.ActionsFailed,
            DecideP50Seconds: NovaOps.Evaluation.Statistics.Quantile.NearestRank(decide.Values, 0.5),
            DecideP99Seconds: NovaOps.Evaluation.Statistics.Quantile.NearestRank(decide.Values, 0.99),
            ClockStalls: (barrier?.Stalls ?? 0) + emitter.Progress.CommandStalls);
        if (options.RunDirectory is { } dir)
            RunRecord.Write(dir, summary, labels, collector.Telemetry, anomalies, collector.Predictions, collector.Actions);
        return (summary, report, loop);
    }

    /// <summary>
    /// The deciders the simulation waits for before each tick: the anomaly app has read every telemetry record, and the
    /// executor (telemetry, anomalies, predictions) or the pager (anomalies) has answered all it was sent. Root-cause
    /// rankings (every <c>Rca:RankInterval</c> of wall clock) and approvals (the simulated on-call reads the simulation's
    /// clock) are not waited for: actions on hosts and zones may land a few ticks late.
    /// </summary>
    private PipelineBarrier Barrier(PipelineMetrics metrics, NovaOps.Streams.Remediation.RemediationApp? remediation, AlarmPager? pager)
    {
        var topics = settings.Kafka.Topics;
        var telemetryIn = metrics.RecordsIn(topics.Telemetry);
        var anomaliesOut = metrics.RecordsOut(topics.Anomalies);
        var predictionsOut = metrics.RecordsOut(topics.Predictions);
        var caughtUp = new List<Func<long, bool>> { published => telemetryIn.Value >= published };
        if (remediation is not null)
            caughtUp.Add(published => remediation.Handled(topics.Telemetry) >= published && remediation.Handled(topics.Anomalies) >= anomaliesOut.Value
                && remediation.Handled(topics.Predictions) >= predictionsOut.Value);
        if (pager is not null) caughtUp.Add(_ => pager.AnomaliesHandled >= anomaliesOut.Value);
        return new PipelineBarrier(caughtUp, TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Per executed action, the pipeline's own time to decide, in wall-clock seconds: from the moment the simulator had
    /// handed over the telemetry of the action's event time (the evidence it acted on) to the moment the executor wrote
    /// the action. Not scaled by the simulation's time compression.
    /// </summary>
    private static Dictionary<string, double> DecideLatency(OutcomeCollector collector, TelemetryEmitter emitter, TelemetryGenerator generator)
    {
        long start = generator.TickToMs(0);
        double interval = generator.TickToMs(1) - start;
        var decide = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var a in collector.Actions)
        {
            if (a.Outcome != Contracts.ActionOutcome.Executed || !collector.ExecutedWallMs.TryGetValue(a.ActionId, out long written)) continue;
            long tick = (long)Math.Ceiling((a.AtMs - start) / interval);
            if (tick < 0 || tick >= emitter.TickWallMs.Length || emitter.TickWallMs[tick] == 0) continue;
            decide[a.ActionId] = Math.Max(0, (written - emitter.TickWallMs[tick]) / 1000.0);
        }
        return decide;
    }

    /// <summary>The remediation executor on the run's broker, acting on the simulated fleet through its fleet-commands topic.</summary>
    private async Task<NovaOps.Streams.Remediation.RemediationApp> StartRemediationAsync(NovaOps.Kafka.KafkaClientOptions cluster, PipelineMetrics metrics, CancellationToken ct)
    {
        var topics = settings.Kafka.Topics;
        var runbooks = NovaOps.Remediation.Runbooks.RunbookLoader.Load(settings.Remediation.Runbooks);
        var remediationOptions = settings.Remediation with { DryRun = settings.Remediation.DryRun || options.Remediation == RemediationMode.DryRun };
        var actuator = NovaOps.Streams.Remediation.Actuators.RemediationActuators.Create(remediationOptions with { Actuator = "simulator" }, cluster, topics);
        var executor = new NovaOps.Remediation.RemediationExecutor(runbooks, remediationOptions, actuator, new NovaOps.Remediation.Guardrails.FleetInventory());
        var app = new NovaOps.Streams.Remediation.RemediationApp(cluster, topics, executor,
            new NovaOps.Streams.Remediation.RemediationMetrics(new PipelineMetrics("remediation", metrics.Registry)), $"novaops-remediation-demo-{Guid.NewGuid():N}", disposeWith: (IDisposable)actuator);
        await app.StartAsync(ct);
        return app;
    }

    private MetricsEndpoint? TryServeMetrics(PipelineMetrics metrics)
    {
        try
        {
            var endpoint = new MetricsEndpoint(settings.Metrics, metrics.Registry);
            if (endpoint.Url is not null) console.MarkupLineInterpolated($"metrics on [link]{endpoint.Url}[/]");
            return endpoint;
        }
        catch (Exception e) when (e is System.Net.HttpListenerException or InvalidOperationException)
        {
            console.MarkupLineInterpolated($"[yellow]metrics endpoint not started ({e.Message}); set Metrics:Port or NOVAOPS__METRICS__PORT[/]");
            return null;
        }
    }

    /// <summary>Shows progress until the simulator is done and the app has caught up with what it published.</summary>
    private async Task Watch(Task emitting, EmitterProgress progress, PipelineMetrics metrics, OutcomeCollector collector,
        ConsumerLagProbe lag, long ticks, CancellationToken ct)
    {
        var telemetryIn = metrics.RecordsIn(settings.Kafka.Topics.Telemetry);
        var drainDeadline = TimeSpan.FromSeconds(60);
        Stopwatch? drain = null;
        long lagNow = 0;

        IRenderable View() => new Table().Title("NovaOps demo").HideHeaders().AddColumns("", "")
            .AddRow("simulated time", $"{progress.Ticks}/{ticks} ticks  ({DateTimeOffset.FromUnixTimeMilliseconds(progress.SimulatedMs):u})")
            .AddRow("published", $"{progress.Records:N0} records ({progress.Malformed} malformed on purpose)")
            .AddRow("processed", $"{telemetryIn.Value:N0} records, lag {lagNow:N0}")
            .AddRow("faults started", $"{progress.FaultsStarted}")
            .AddRow("anomalies", $"{collector.Anomalies.Count:N0}")
            .AddRow("actions", $"{collector.Actions.Count(a => a.Outcome == Contracts.ActionOutcome.Executed):N0} executed, {progress.CommandsApplied:N0} applied by the fleet, {progress.FaultsResolvedByActions} faults ended")
            .AddRow("dead-lettered", $"{metrics.DeadLetteredTotal():N0}");

        bool Done()
        {
            if (!emitting.IsCompleted) return false;
            drain ??= Stopwatch.StartNew();
            return telemetryIn.Value >= progress.Records || drain.Elapsed > drainDeadline;
        }

        async Task Loop(Action refresh)
        {
            var lastLag = Stopwatch.StartNew();
            while (!Done() && !ct.IsCancellationRequested)
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
                if (lastLag.Elapsed > TimeSpan.FromSeconds(2))
                {
                    try { lagNow = lag.Measure(TimeSpan.FromSeconds(2)); } catch (Confluent.Kafka.KafkaException) { }
                    lastLag.Restart();
                }
                refresh();
            }
            await emitting; // surface simulator errors
            // Anomalies leave the app as they are found (the producer lingers 5 ms): give the last ones and
            // the collector a moment, without waiting for a commit.
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }

        if (options.Live && console.Profile.Capabilities.Interactive)
            await console.Live(View()).StartAsync(async live => await Loop(() => live.UpdateTarget(View())));
        else
        {
            var last = Stopwatch.StartNew();
            await Loop(() =>
            {
                if (last.Elapsed < TimeSpan.FromSeconds(5)) return;
                last.Restart();
                console.MarkupLineInterpolated(
                    $"tick {progress.Ticks}/{ticks}  published {progress.Records:N0}  processed {telemetryIn.Value:N0}  anomalies {collector.Anomalies.Count:N0}  faults {progress.FaultsStarted}");
            });
        }
        if (telemetryIn.Value < progress.Records)
            console.MarkupLineInterpolated($"[yellow]the app processed {telemetryIn.Value:N0} of {progress.Records:N0} records within {drainDeadline.TotalSeconds} s of the end[/]");
    }
}
