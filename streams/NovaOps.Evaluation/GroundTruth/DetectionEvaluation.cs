using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <summary>How the anomalies of a run compare with the faults that were really injected.</summary>
public sealed record DetectionReport(
    int Anomalies, int TruePositiveAnomalies, int FaultsInjected, int FaultsDetected,
    double Precision, double Recall, double? MedianDetectionDelaySeconds,
    IReadOnlyList<FaultOutcome> Faults);

/// <summary>One fault: detected or not, and how long after its onset (negative: before the onset, from its precursor).</summary>
public sealed record FaultOutcome(string FaultId, FaultKind Kind, FaultScope Scope, string RootCause, bool Detected, double? DelaySeconds);

/// <summary>
/// Scores anomalies against the simulator's ground truth. An anomaly is a true positive when its VM
/// is affected by a fault and its window overlaps the fault (precursor to end, plus a grace period
/// for the last window), or its VM is one the fault hurts through service calls (the label's symptom
/// VMs) and its window overlaps the fault from onset; a fault is detected by its earliest such anomaly, and the delay is from the
/// fault's onset to the end of that anomaly's window, the first moment the anomaly could be known.
/// </summary>
public static class DetectionEvaluation
{
    public static DetectionReport Evaluate(IReadOnlyCollection<FaultLabel> labels, IReadOnlyCollection<AnomalyEvent> anomalies, TimeSpan grace)
    {
        long graceMs = (long)grace.TotalMilliseconds;
        var index = new FaultIndex(labels);

        var firstDetection = new Dictionary<string, long>();
        int tp = 0;
        foreach (var a in anomalies)
        {
            bool matched = false;
            foreach (var l in index.Own(a.VmId, a.Zone))
            {
                if (a.WindowEndMs <= l.PrecursorStartMs || a.WindowStartMs > l.EndMs + graceMs) continue;
                matched = true;
                if (!firstDetection.TryGetValue(l.FaultId, out var t) || a.WindowEndMs < t)
                    firstDetection[l.FaultId] = a.WindowEndMs;
            }
            foreach (var l in index.HurtThrough(a.VmId))
            {
                if (a.WindowEndMs <= l.OnsetMs || a.WindowStartMs > l.EndMs + graceMs) continue;
                matched = true;
                if (!firstDetection.TryGetValue(l.FaultId, out var t) || a.WindowEndMs < t)
                    firstDetection[l.FaultId] = a.WindowEndMs;
            }
            if (matched) tp++;
        }

        var outcomes = labels.OrderBy(l => l.OnsetMs).Select(l =>
        {
            bool detected = firstDetection.TryGetValue(l.FaultId, out var t);
            return new FaultOutcome(l.FaultId, l.Kind, l.Scope, l.RootCause, detected, detected ? (t - l.OnsetMs) / 1000.0 : null);
        }).ToList();
        var delays = outcomes.Where(o => o.DelaySeconds.HasValue).Select(o => o.DelaySeconds!.Value);
        int detectedCount = outcomes.Count(o => o.Detected);
        return new DetectionReport(
            anomalies.Count, tp, labels.Count, detectedCount,
            anomalies.Count == 0 ? 0 : (double)tp / anomalies.Count,
            labels.Count == 0 ? 0 : (double)detectedCount / labels.Count,
            Statistics.Median.Of(delays),
            outcomes);
    }
}
