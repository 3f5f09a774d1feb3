using NovaOps.Evaluation.Classification;

namespace NovaOps.Evaluation.Incidents;

/// <summary>One scored window of one entity: its end, the predicted probability, and whether an onset follows within the horizon.</summary>
public readonly record struct ScoredWindow(int Series, long EndMs, double Probability, bool Positive);

/// <summary>An incident of the ground truth: its onset and the entities it touches.</summary>
public sealed record IncidentOnset(string Id, string Kind, long OnsetMs, IReadOnlyList<int> Series);

public sealed record IncidentReport(
    int Windows, int PositiveWindows, double PrAuc, double RocAuc, double Precision, double Recall,
    int Incidents, int IncidentsPredicted, double IncidentRecall, double? MedianLeadTimeSeconds, double Threshold,
    IReadOnlyDictionary<string, (int Incidents, int Predicted)> ByKind);

/// <summary>
/// Scores an incident predictor on fresh data, at two levels: per window (PR-AUC, ROC-AUC, and
/// precision/recall at the model's threshold: an alarm is right when an onset on that entity follows
/// within the horizon) and per incident (predicted when an entity it touches raised an alarm in the
/// horizon before its onset; the lead time is from the earliest such alarm to the onset).
/// </summary>
public static class IncidentEvaluation
{
    public static IncidentReport Evaluate(IReadOnlyList<ScoredWindow> windows, IReadOnlyList<IncidentOnset> incidents, TimeSpan horizon, double threshold)
    {
        var scored = windows.Where(w => !double.IsNaN(w.Probability)).ToList();
        var probabilities = scored.Select(w => w.Probability).ToList();
        var labels = scored.Select(w => w.Positive).ToList();
        var (precision, recall) = RankingMetrics.At(probabilities, labels, threshold);

        // Alarms by entity, in time order, for the event-level view.
        var alarms = scored.Where(w => w.Probability >= threshold).GroupBy(w => w.Series)
            .ToDictionary(g => g.Key, g => g.Select(w => w.EndMs).Order().ToArray());
        long h = (long)horizon.TotalMilliseconds;
        var leads = new List<double>();
        var byKind = new Dictionary<string, (int, int)>();
        int predicted = 0;
        foreach (var incident in incidents)
        {
            long? earliest = null;
            foreach (int s in incident.Series)
            {
                if (!alarms.TryGetValue(s, out var times)) continue;
                foreach (var t in times)
                    if (t < incident.OnsetMs && t >= incident.OnsetMs - h) { if (earliest is null || t < earliest) earliest = t; break; }
            }
            var (n, p) = byKind.GetValueOrDefault(incident.Kind);
            if (earliest is { } e)
            {
                predicted++;
                leads.Add((incident.OnsetMs - e) / 1000.0);
                byKind[incident.Kind] = (n + 1, p + 1);
            }
            else byKind[incident.Kind] = (n + 1, p);
        }
        return new IncidentReport(scored.Count, labels.Count(l => l),
            RankingMetrics.AveragePrecision(probabilities, labels), RankingMetrics.RocAuc(probabilities, labels), precision, recall,
            incidents.Count, predicted, incidents.Count == 0 ? 0 : predicted / (double)incidents.Count,
            Statistics.Median.Of(leads),
            threshold, byKind);
    }
}
