using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <summary>How the anomalies of a run compare with the faults that were really injected.</summary>
/// <param name="Anomalies">Anomaly windows published.</param>
/// <param name="Episodes">Alarms as an on-call person sees them: runs of anomalous windows of one VM (see <see cref="DetectionEvaluation"/>).</param>
/// <param name="Precision">True episodes over all episodes.</param>
/// <param name="MedianDetectionDelaySeconds">From onset to the end of the first anomalous window that ends after it, over detected faults.</param>
/// <param name="EarlyWarnings">Faults with an anomaly that ended during their precursor, before the onset.</param>
/// <param name="MedianEarlyWarningLeadSeconds">How long before the onset the first such anomaly ended, over those faults.</param>
public sealed record DetectionReport(
    int Anomalies, int Episodes, int TrueEpisodes, int FaultsInjected, int FaultsDetected,
    double Precision, double Recall, double? MedianDetectionDelaySeconds, int EarlyWarnings, double? MedianEarlyWarningLeadSeconds,
    IReadOnlyList<FaultOutcome> Faults);

/// <summary>
/// One fault: detected or not; the delay from its onset to its first anomaly after it (never negative); the lead of an
/// early warning during its precursor; and its first alarm of any kind, from onset (negative when a warning came first).
/// </summary>
public sealed record FaultOutcome(string FaultId, FaultKind Kind, FaultScope Scope, string RootCause, bool Detected,
    double? DelaySeconds, double? EarlyWarningLeadSeconds, double? FirstAlarmSeconds);

/// <summary>
/// Scores anomalies against the simulator's ground truth, counting alarms as episodes: consecutive anomalous windows of
/// one VM, with gaps of at most <see cref="EpisodeGapWindows"/> windows, are one alarm, so that a sick VM alarming every
/// window does not count as many right alarms. An episode is true when it overlaps a fault that hurts its VM: the VM's
/// own fault from the precursor's start to <c>grace</c> after its end, or a fault that hurts it through the services it
/// calls (the label's symptom VMs) from its onset. A fault is detected by any anomaly so matched; its delay is measured
/// from the onset to the end of its first anomalous window ending after the onset (the first moment it could be known),
/// and anomalies that ended during the precursor are early warnings, reported apart with their lead.
/// </summary>
public static class DetectionEvaluation
{
    public const int EpisodeGapWindows = 2;

    public static DetectionReport Evaluate(IReadOnlyCollection<FaultLabel> labels, IReadOnlyCollection<AnomalyEvent> anomalies, TimeSpan grace)
    {
        long graceMs = (long)grace.TotalMilliseconds;
        var index = new FaultIndex(labels);

        var firstAfterOnset = new Dictionary<string, long>();
        var firstWarning = new Dictionary<string, long>();
        void Note(Dictionary<string, long> first, string fault, long at)
        {
            if (!first.TryGetValue(fault, out var t) || at < t) first[fault] = at;
        }
        bool Matches(AnomalyEvent a)
        {
            bool matched = false;
            foreach (var l in index.Own(a.VmId, a.Zone))
            {
                if (a.WindowEndMs <= l.PrecursorStartMs || a.WindowStartMs > l.EndMs + graceMs) continue;
                matched = true;
                Note(a.WindowEndMs > l.OnsetMs ? firstAfterOnset : firstWarning, l.FaultId, a.WindowEndMs);
            }
            foreach (var l in index.HurtThrough(a.VmId))
            {
                if (a.WindowEndMs <= l.OnsetMs || a.WindowStartMs > l.EndMs + graceMs) continue;
                matched = true;
                Note(firstAfterOnset, l.FaultId, a.WindowEndMs);
            }
            return matched;
        }

        var episodes = Episodes(anomalies);
        int trueEpisodes = 0;
        foreach (var episode in episodes)
        {
            bool any = false;
            foreach (var a in episode) any |= Matches(a);
            if (any) trueEpisodes++;
        }

        var outcomes = labels.OrderBy(l => l.OnsetMs).Select(l =>
        {
            double? delay = firstAfterOnset.TryGetValue(l.FaultId, out var t) ? (t - l.OnsetMs) / 1000.0 : null;
            double? lead = firstWarning.TryGetValue(l.FaultId, out var w) ? (l.OnsetMs - w) / 1000.0 : null;
            return new FaultOutcome(l.FaultId, l.Kind, l.Scope, l.RootCause, delay is not null || lead is not null, delay, lead,
                lead is { } ahead ? -ahead : delay);
        }).ToList();
        int detected = outcomes.Count(o => o.Detected);
        return new DetectionReport(
            anomalies.Count, episodes.Count, trueEpisodes, labels.Count, detected,
            episodes.Count == 0 ? 0 : (double)trueEpisodes / episodes.Count,
            labels.Count == 0 ? 0 : (double)detected / labels.Count,
            Statistics.Median.Of(outcomes.Where(o => o.DelaySeconds.HasValue).Select(o => o.DelaySeconds!.Value)),
            outcomes.Count(o => o.EarlyWarningLeadSeconds.HasValue),
            Statistics.Median.Of(outcomes.Where(o => o.EarlyWarningLeadSeconds.HasValue).Select(o => o.EarlyWarningLeadSeconds!.Value)),
            outcomes);
    }

    /// <summary>
    /// The anomalies grouped into episodes: per VM in window order, a window starting no more than
    /// <see cref="EpisodeGapWindows"/> window lengths after the previous one's end continues its episode.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<AnomalyEvent>> Episodes(IEnumerable<AnomalyEvent> anomalies)
    {
        var episodes = new List<IReadOnlyList<AnomalyEvent>>();
        foreach (var vm in anomalies.GroupBy(a => a.VmId, StringComparer.Ordinal))
        {
            List<AnomalyEvent>? current = null;
            long lastEnd = 0;
            foreach (var a in vm.OrderBy(a => a.WindowStartMs))
            {
                long window = Math.Max(1, a.WindowEndMs - a.WindowStartMs);
                if (current is null || a.WindowStartMs - lastEnd > EpisodeGapWindows * window)
                    episodes.Add(current = []);
                current.Add(a);
                lastEnd = Math.Max(lastEnd, a.WindowEndMs);
            }
        }
        return episodes;
    }
}
