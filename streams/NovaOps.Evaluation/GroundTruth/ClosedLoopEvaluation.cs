using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <summary>One injected fault through the loop: found, acted on, over.</summary>
/// <param name="DetectSeconds">From onset to the first anomaly or prediction alarm about it (negative: before the onset).</param>
/// <param name="FirstActionSeconds">From onset to the first action executed on its VMs, host or zone (a page excepted).</param>
/// <param name="RecoverSeconds">From onset to its end: ended by an action, or at its planned end (a human's fix); 0 when prevented before onset.</param>
/// <param name="ResolvedBy">The action that ended it, if one did.</param>
/// <param name="HumanNeeded">A human was paged or asked for an approval about it, or no action ended it.</param>
/// <param name="Parts">Time to recovery from its parts, for a fault that an action or a paged person ended after onset.</param>
public sealed record LoopOutcome(string FaultId, FaultKind Kind, FaultScope Scope, string RootCause, double? DetectSeconds, double? FirstActionSeconds,
    double RecoverSeconds, string? ResolvedBy, bool HumanNeeded, MttrParts? Parts = null);

/// <summary>
/// Time to recovery of one fault, from its parts. <see cref="Detect"/>: onset to the first alarm (simulated time; 0
/// when the alarm came before onset). <see cref="Decide"/>: the pipeline's own time from the evidence to the action
/// that ended the fault (wall-clock, never scaled by the simulation's time compression) plus any wait for a person's
/// approval (simulated). <see cref="Act"/>: how long that action took in the fleet (simulated: a restart's boot, a
/// migration's copy, a person's fix). <see cref="Verify"/>: from the fault's end to the executor's check seeing the
/// metric back within bounds (0 when nothing checked it: a page, or a step without a check).
/// </summary>
public sealed record MttrParts(double Detect, double Decide, double Act, double Verify)
{
    public double Total => Detect + Decide + Act + Verify;
}

/// <param name="HarmfulActions">Executed actions (pages excepted) on a VM, host or zone that no fault touched around then.</param>
/// <param name="DecideSeconds">Per executed action (pages included), the pipeline's wall-clock time from evidence to action, where the run measured it.</param>
/// <param name="PreventedLeadSeconds">Per fault ended before its onset, how long before.</param>
public sealed record ClosedLoopReport(int ActionsExecuted, int ActionsBlockedByGuardrails, int ApprovalsRequested, int Pages, double? MttrMedianSeconds,
    double? AutomationRate, int ResolvedByActions, int Prevented, IReadOnlyList<LoopOutcome> Faults,
    int HarmfulActions = 0, IReadOnlyList<double>? DecideSeconds = null, IReadOnlyList<double>? PreventedLeadSeconds = null);

/// <summary>
/// Measures the closed loop against the simulator's ground truth: per fault, time to detect, time to first
/// action, time to recover (MTTR), and whether a human was needed; automation rate is the share of faults
/// ended by actions with no human involved.
/// </summary>
public static class ClosedLoopEvaluation
{
    /// <param name="labels">Merged labels (<see cref="FaultLabels.Merge"/>).</param>
    /// <param name="decideWallSeconds">Per executed action id, the pipeline's wall-clock time from evidence to action (the run measures it); an action without one counts 0.</param>
    public static ClosedLoopReport Evaluate(IReadOnlyList<FaultLabel> labels, IReadOnlyCollection<AnomalyEvent> anomalies,
        IReadOnlyCollection<PredictionEvent> predictions, IReadOnlyCollection<ActionRecord> actions, TimeSpan grace,
        IReadOnlyDictionary<string, double>? decideWallSeconds = null)
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
                || l.ResolvedMs == 0
                || actions.Any(a => a.ActionId == l.ResolvedBy && a.Kind == ActionKind.PageHuman); // a person paged about another node it hurt
            double recover = Math.Max(0, (l.EndMs - l.OnsetMs) / 1000.0);
            outcomes.Add(new LoopOutcome(l.FaultId, l.Kind, l.Scope, l.RootCause, detect, firstAction, recover,
                string.IsNullOrEmpty(l.ResolvedBy) ? null : l.ResolvedBy, human, Parts(l, detect, mine, decideWallSeconds)));
        }
        var prevented = labels.Where(l => l.ResolvedMs > 0 && l.ResolvedMs <= l.OnsetMs).Select(l => (l.OnsetMs - l.ResolvedMs) / 1000.0).ToList();
        return new ClosedLoopReport(
            ActionsExecuted: actions.Count(a => a.Outcome == ActionOutcome.Executed && a.Kind != ActionKind.PageHuman),
            ActionsBlockedByGuardrails: actions.Count(a => a.Outcome == ActionOutcome.Blocked),
            ApprovalsRequested: actions.Count(a => a.Outcome == ActionOutcome.AwaitingApproval),
            Pages: actions.Count(a => a.Outcome == ActionOutcome.Executed && a.Kind == ActionKind.PageHuman),
            MttrMedianSeconds: Statistics.Median.Of(outcomes.Select(o => o.RecoverSeconds)),
            AutomationRate: outcomes.Count == 0 ? null : outcomes.Count(o => !o.HumanNeeded) / (double)outcomes.Count,
            ResolvedByActions: outcomes.Count(o => o.ResolvedBy is not null),
            Prevented: prevented.Count,
            Faults: outcomes,
            HarmfulActions: Harmful(labels, actions, grace),
            DecideSeconds: decideWallSeconds?.Values.ToList() ?? [],
            PreventedLeadSeconds: prevented);
    }

    /// <summary>The parts of a fault's time to recovery, when an action or a page ended it after onset and an alarm found it.</summary>
    private static MttrParts? Parts(FaultLabel l, double? detect, IReadOnlyList<ActionRecord> mine, IReadOnlyDictionary<string, double>? decideWallSeconds)
    {
        if (string.IsNullOrEmpty(l.ResolvedBy) || l.ResolvedMs <= l.OnsetMs || detect is null || l.ResolveStartedMs == 0) return null;
        double decide = decideWallSeconds is not null && decideWallSeconds.TryGetValue(l.ResolvedBy, out double d) ? d : 0;
        var asked = mine.FirstOrDefault(a => a.ActionId == l.ResolvedBy && a.Outcome == ActionOutcome.AwaitingApproval);
        var executed = mine.FirstOrDefault(a => a.ActionId == l.ResolvedBy && a.Outcome == ActionOutcome.Executed);
        if (asked is not null && executed is not null) decide += Math.Max(0, (executed.AtMs - asked.AtMs) / 1000.0);
        var verified = mine.Where(a => a.Outcome == ActionOutcome.Verified && a.AtMs >= l.ResolvedMs).Select(a => (double?)a.AtMs).Min();
        return new MttrParts(
            Detect: Math.Max(0, detect.Value),
            Decide: decide,
            Act: Math.Max(0, (l.ResolvedMs - l.ResolveStartedMs) / 1000.0),
            Verify: verified is { } v ? (v - l.ResolvedMs) / 1000.0 : 0);
    }

    /// <summary>Executed actions (pages excepted) whose target no fault touched from its precursor to its end, give or take <paramref name="grace"/>.</summary>
    private static int Harmful(IReadOnlyList<FaultLabel> labels, IReadOnlyCollection<ActionRecord> actions, TimeSpan grace)
    {
        long g = (long)grace.TotalMilliseconds;
        var faults = labels.Select(l => (Targets: Targets(l).Union(l.SymptomVms).ToHashSet(StringComparer.Ordinal), From: l.PrecursorStartMs - g, To: l.EndMs + g)).ToList();
        return actions.Count(a => a.Outcome == ActionOutcome.Executed && a.Kind != ActionKind.PageHuman
            && !faults.Any(f => f.Targets.Contains(a.Target) && a.AtMs >= f.From && a.AtMs <= f.To));
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
