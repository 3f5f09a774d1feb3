using System.Diagnostics;
using System.Text.Json.Serialization;
using Confluent.Kafka;
using NovaOps.Contracts;

namespace NovaOps.Chaos.Campaign;

/// <summary>What one fault did, and whether the invariants held through it.</summary>
public sealed record ScenarioResult(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("fault")] string Fault,
    [property: JsonPropertyName("duration_s")] double DurationSeconds,
    [property: JsonPropertyName("records_in")] long RecordsIn,
    [property: JsonPropertyName("scored")] long Scored,
    [property: JsonPropertyName("dead_lettered")] long DeadLettered,
    [property: JsonPropertyName("lost")] long Lost,
    [property: JsonPropertyName("duplicate_actions")] long DuplicateActions,
    [property: JsonPropertyName("actions_executed")] long ActionsExecuted,
    [property: JsonPropertyName("recovery_s")] double? RecoverySeconds,
    [property: JsonPropertyName("services_down")] IReadOnlyList<string> ServicesDown,
    [property: JsonPropertyName("held")] bool Held);

public sealed record CampaignResult(
    [property: JsonPropertyName("scenarios")] IReadOnlyList<ScenarioResult> Scenarios,
    [property: JsonPropertyName("lost")] long Lost,
    [property: JsonPropertyName("duplicate_actions")] long DuplicateActions,
    [property: JsonPropertyName("max_recovery_s")] double? MaxRecoverySeconds,
    [property: JsonPropertyName("recovery_limit_s")] double RecoveryLimitSeconds,
    [property: JsonPropertyName("drain_limit_s")] double DrainLimitSeconds,
    [property: JsonPropertyName("held")] bool Held);

/// <summary>
/// Runs scenarios one after another on a running region and checks after each: every telemetry record published up to
/// the fault's end is committed by the anomaly app within the drain limit (scored or dead-lettered with its reason; what
/// is not is lost); no action id executed twice in the audit; the services that read telemetry (the anomaly app, the
/// executor) take records in again within the recovery limit after the fault ends; no service has stopped.
/// </summary>
public sealed class ChaosCampaign(ChaosRegion region)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public async Task<CampaignResult> RunAsync(IEnumerable<ChaosScenario> scenarios, Action<string> status, CancellationToken ct)
    {
        status("waiting for the anomaly app to take telemetry in");
        await UntilProgressAsync(ct); // warm: every service up and records flowing before the first fault
        var marks = new List<(ChaosScenario Scenario, long[] Start, long[] End, long[] ActionsStart, long[] ActionsEnd, double Seconds, double? Recovery, long Lost, List<string> Down)>();
        foreach (var scenario in scenarios)
        {
            ct.ThrowIfCancellationRequested();
            long[] start = region.TelemetryEnds();
            long[] actionsStart = region.Ends(region.Topics.Actions);
            status($"{scenario.Name}: {scenario.Fault}");
            var clock = Stopwatch.StartNew();
            await scenario.Inject(region, ct);
            double seconds = clock.Elapsed.TotalSeconds;
            status($"{scenario.Name}: waiting for the services to process again");
            double? recovery = await UntilProgressAsync(ct);
            long[] end = region.TelemetryEnds();
            status($"{scenario.Name}: waiting for the anomaly app to commit what was published");
            long lost = await DrainAsync(start, end, ct);
            long[] actionsEnd = region.Ends(region.Topics.Actions);
            var down = region.Services.Values.Where(s => !s.Running).Select(s => $"{s.App} (exit {s.ExitCode}: {s.LastErrors})").ToList();
            marks.Add((scenario, start, end, actionsStart, actionsEnd, Math.Round(seconds, 1), recovery, lost, down));
            // A stopped service is started again so the next scenario finds the region whole (it is reported, not hidden).
            foreach (var s in region.Services.Values.Where(s => !s.Running)) await s.StartAsync(ct);
        }

        status("reading the dead-letter and audit topics");
        var letters = TelemetryDeadLetters();
        var executed = ExecutedActions();
        // An action id's records share its key, so one partition, in time order: a second execution is a duplicate,
        // wherever the first was (the warm-up before the first fault included).
        var seenActions = new HashSet<string>(StringComparer.Ordinal);
        var duplicateAt = executed.OrderBy(a => a.Partition).ThenBy(a => a.Offset).Where(a => !seenActions.Add(a.ActionId)).ToList();
        var results = new List<ScenarioResult>();
        foreach (var m in marks)
        {
            long recordsIn = m.End.Zip(m.Start, (e, s) => e - s).Sum();
            long dead = letters.Count(l => l.Offset >= m.Start[l.Partition] && l.Offset < m.End[l.Partition]);
            var mine = executed.Where(a => a.Offset >= m.ActionsStart[a.Partition] && a.Offset < m.ActionsEnd[a.Partition]).ToList();
            long duplicates = duplicateAt.Count(a => a.Offset >= m.ActionsStart[a.Partition] && a.Offset < m.ActionsEnd[a.Partition]);
            var limit = region.Options.RecoveryLimit;
            bool held = m.Lost == 0 && duplicates == 0 && m.Down.Count == 0 && m.Recovery is { } rs && rs <= limit.TotalSeconds;
            results.Add(new ScenarioResult(m.Scenario.Name, m.Scenario.Fault, m.Seconds, recordsIn, recordsIn - dead - m.Lost, dead, m.Lost,
                duplicates, mine.Count, m.Recovery is { } r ? Math.Round(r, 1) : null, m.Down, held));
        }
        var recoveryLimit = region.Options.RecoveryLimit;
        double? maxRecovery = results.All(r => r.RecoverySeconds is not null) ? results.Max(r => r.RecoverySeconds) : null;
        return new CampaignResult(results, results.Sum(r => r.Lost), results.Sum(r => r.DuplicateActions), maxRecovery, recoveryLimit.TotalSeconds,
            region.Options.DrainLimit.TotalSeconds, results.All(r => r.Held));
    }

    /// <summary>
    /// Seconds until the anomaly app and the executor (the services fed telemetry all the time) have both taken records
    /// in since the call; null when one has not within twice the recovery limit.
    /// </summary>
    private async Task<double?> UntilProgressAsync(CancellationToken ct)
    {
        var readers = region.Services.Values.Where(s => s.App is "anomaly" or "remediation").ToList();
        var before = new Dictionary<string, double?>();
        foreach (var s in readers) before[s.App] = await s.RecordsInAsync(ct);
        var clock = Stopwatch.StartNew();
        var moved = new HashSet<string>();
        while (clock.Elapsed < region.Options.RecoveryLimit * 2)
        {
            foreach (var s in readers)
                if (await s.RecordsInAsync(ct) is { } now && (before[s.App] is not { } b || now > b)) moved.Add(s.App);
            if (moved.Count == readers.Count) return clock.Elapsed.TotalSeconds;
            await Task.Delay(Poll, ct);
        }
        return null;
    }

    /// <summary>Telemetry published between <paramref name="start"/> and <paramref name="end"/> and not committed by the anomaly app within the drain limit.</summary>
    private async Task<long> DrainAsync(long[] start, long[] end, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long missing;
        while (true)
        {
            long[] committed;
            try { committed = region.Committed(); }
            catch (KafkaException) { await Task.Delay(Poll, ct); continue; } // the coordinator is moving: ask again
            missing = end.Select((e, p) => Math.Max(0, e - Math.Max(committed[p], start[p]))).Sum();
            if (missing == 0 || clock.Elapsed > region.Options.DrainLimit) return missing;
            await Task.Delay(Poll, ct);
        }
    }

    private List<(int Partition, long Offset)> TelemetryDeadLetters() =>
        [.. ReadAll(region.Topics.DeadLetter)
            .Select(r => RecordDecoders.DeadLetter.Decode(r.Value).Record)
            .Where(l => l is not null && l.SourceTopic == region.Topics.Telemetry)
            .Select(l => (l!.SourcePartition, l.SourceOffset))
            .Distinct()];

    private List<(int Partition, long Offset, string ActionId)> ExecutedActions() =>
        [.. ReadAll(region.Topics.Actions)
            .Select(r => (r.Partition, r.Offset, Record: RecordDecoders.Action.Decode(r.Value).Record))
            .Where(x => x.Record is { Outcome: ActionOutcome.Executed })
            .Select(x => (x.Partition, x.Offset, x.Record!.ActionId))];

    private List<(int Partition, long Offset, byte[] Value)> ReadAll(string topic) =>
        NovaOps.Broker.TopicReplay.ReadAllRecords(region.Kafka, topic, TimeSpan.FromSeconds(30));
}
