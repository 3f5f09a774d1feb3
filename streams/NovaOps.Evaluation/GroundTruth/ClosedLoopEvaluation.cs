using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <summary>One injected fault through the loop: found, acted on, over.</summary>
/// <param name="DetectSeconds">From onset to the first anomaly or prediction alarm about it (negative: before the onset).</param>
/// <param name="FirstActionSeconds">From onset to the first action executed on its VMs, host or zone (a page excepted).</param>
/// <param name="RecoverSeconds">From onset to its end: ended by an action, or at its planned end (a human's fix); 0 when prevented before onset.</param>
/// <param name="ResolvedBy">The action that ended it, if one did.</param>
/// <param name="HumanNeeded">A human was paged or asked for an approval about it, or no action ended it.</param>
public sealed record LoopOutcome(string FaultId, FaultKind Kind, FaultScope Scope, string RootCause, double? DetectSeconds, double? FirstActionSeconds,
    double RecoverSeconds, string? ResolvedBy, bool HumanNeeded);

public sealed record ClosedLoopReport(int ActionsExecuted, int ActionsBlockedByGuardrails, int ApprovalsRequested, int Pages, double? MttrMedianSeconds,
    double? AutomationRate, int ResolvedByActions, int Prevented, IReadOnlyList<LoopOutcome> Faults);

/// <summary>
/// Measures the closed loop against the simulator's ground truth: per fault, time to detect, time to first
/// action, time to recover (MTTR), and whether a human was needed; automation rate is the share of faults
/// ended by actions with no human involved.
/// </summary>
public static class ClosedLoopEvaluation
{
    /// <param name="labels">Merged labels (<see cref="FaultLabels.Merge"/>).</param>
    public static ClosedLoopReport Evaluate(IReadOnlyList<FaultLabel> labels, IReadOnlyCollection<AnomalyEvent> anomalies,
        IReadOnlyCollection<PredictionEvent> predictions, IReadOnlyCollection<ActionRecord> actions, TimeSpan grace)
    {
        var detection = DetectionEvaluation.Evaluate(labels, anomalies, grace);
        var detectedAt = detection.Faults.Where(f => f.FirstAlarmSeconds is not null).ToDictionary(f => f.FaultId, f => f.FirstAlarmSeconds!.Value);
        var outcomes = new List<LoopOutcome>();
        foreach (var l in labels)
        {
            var targets = Targets(l);
            bool Concerns(string node) => targets.Contains(node);
            double? Since(long ms) => (ms - l.OnsetMs) / 1000.0;

            double? detect = detectedAt.TryGetValue(l.FaultId, out double d) ? d : null;
            // An alarm is about the fault when it names one of its VMs within its horizon before the onset, or during it.
            var alarm = predictions.Where(p => p.Alarm && Concerns(p.VmId) && p.WindowEndMs >= l.OnsetMs - p.HorizonMs && p.WindowEndMs <= l.EndMs)
                .Select(p => Since(p.WindowEndMs)).Min();
            if (alarm is not null && (detect is null || alarm < detect)) detect = alarm;

            var mine = actions.Where(a => Concerns(a.Target) && a.AtMs >= l.PrecursorStartMs - (long)grace.TotalMilliseconds && a.AtMs <= l.EndMs + (long)grace.TotalMilliseconds).ToList();
            double? firstAction = mine.Where(a => a.Outcome == ActionOutcome.Executed && a.Kind != ActionKind.PageHuman).Select(a => Since(a.AtMs)).Min();
            bool human = mine.Any(a => a.Kind == ActionKind.PageHuman && a.Outcome == ActionOutcome.Executed || a.Outcome == ActionOutcome.AwaitingApproval)
                || l.ResolvedMs == 0;
            double recover = Math.Max(0, (l.EndMs - l.OnsetMs) / 1000.0);
            outcomes.Add(new LoopOutcome(l.FaultId, l.Kind, l.Scope, l.RootCause, detect, firstAction, recover,
                string.IsNullOrEmpty(l.ResolvedBy) ? null : l.ResolvedBy, human));
        }
        return new ClosedLoopReport(
            ActionsExecuted: actions.Count(a => a.Outcome == ActionOutcome.Executed && a.Kind != ActionKind.PageHuman),
            ActionsBlockedByGuardrails: actions.Count(a => a.Outcome == ActionOutcome.Blocked),
            ApprovalsRequested: actions.Count(a => a.Outcome == ActionOutcome.AwaitingApproval),
            Pages: actions.Count(a => a.Outcome == ActionOutcome.Executed && a.Kind == ActionKind.PageHuman),
            MttrMedianSeconds: Statistics.Median.Of(outcomes.Select(o => o.RecoverSeconds)),
            AutomationRate: outcomes.Count == 0 ? null : outcomes.Count(o => !o.HumanNeeded) / (double)outcomes.Count,
            ResolvedByActions: outcomes.Count(o => o.ResolvedBy is not null),
            Prevented: labels.Count(l => l.ResolvedMs > 0 && l.ResolvedMs <= l.OnsetMs),
            Faults: outcomes);
    }

    // The nodes an action can cure the fault through: its VMs, its host, its zone.
    private static HashSet<string> Targets(FaultLabel l)
    {
        var targets = new HashSet<string>(l.AffectedVms, StringComparer.Ordinal) { l.RootCause };
        if (l.Scope == FaultScope.Host) targets.Add(l.Host);
        if (l.Scope == FaultScope.Zone) targets.Add(l.Zone);
        return targets;
    }
}
