using NovaOps.Evaluation.Classification;

namespace NovaOps.Evaluation.Incidents;

/// <summary>One scored window of one entity: its end, the predicted probability, and whether an onset follows within the horizon.</summary>
public readonly record struct ScoredWindow(int Series, long EndMs, double Probability, bool Positive);

/// <summary>An incident of the ground truth: its onset and the entities it touches.</summary>
public sealed record IncidentOnset(string Id, string Kind, long OnsetMs, IReadOnlyList<int> Series);

/// <param name="AlarmEpisodes">Alarms of one entity with gaps of at most two windows, merged.</param>
/// <param name="TrueEpisodes">Episodes an onset of an incident touching their entity follows between <see cref="IncidentEvaluation.LatestLead"/> after their start and <see cref="IncidentEvaluation.EarliestLead"/> after their end.</param>
/// <param name="LeadSeconds">Per predicted incident, from its earliest alarm in the lead range to its onset.</param>
public sealed record IncidentReport(
    int Windows, int PositiveWindows, double PrAuc, double RocAuc, double Precision, double Recall,
    int Incidents, int IncidentsPredicted, double IncidentRecall, double? MedianLeadTimeSeconds, double Threshold,
    IReadOnlyDictionary<string, (int Incidents, int Predicted)> ByKind,
    int AlarmEpisodes = 0, int TrueEpisodes = 0, int IncidentsWithPrecursor = 0, int PredictedWithPrecursor = 0, IReadOnlyList<double>? LeadSeconds = null)
{
    /// <summary>Share of alarm episodes an onset followed (1 with no episode: nothing was claimed).</summary>
    public double EpisodePrecision => AlarmEpisodes == 0 ? 1 : TrueEpisodes / (double)AlarmEpisodes;

    public double RecallWithPrecursor => IncidentsWithPrecursor == 0 ? 0 : PredictedWithPrecursor / (double)IncidentsWithPrecursor;
}

/// <summary>
/// Scores an incident predictor on fresh data, at two levels. Per window: PR-AUC, ROC-AUC, and precision/recall at the
/// model's threshold (an alarm is right when an onset on that entity follows within the model's horizon). Per incident:
/// predicted when an entity it touches raised an alarm between <see cref="EarliestLead"/> and <see cref="LatestLead"/>
/// before its onset, the lead time running from the earliest such alarm; precision per alarm episode (an entity's
/// alarms with gaps of at most two windows are one), right when such an onset follows it.
/// </summary>
public static class IncidentEvaluation
{
    /// <summary>An alarm earlier than this before the onset predicts nothing an operator could act on in time to link.</summary>
    public static readonly TimeSpan EarliestLead = TimeSpan.FromHours(1);

    /// <summary>An alarm later than this before the onset leaves no time to act.</summary>
    public static readonly TimeSpan LatestLead = TimeSpan.FromMinutes(1);

    /// <param name="window">The spacing of an entity's windows (alarms closer than three of them are one episode).</param>
    /// <param name="precursorKinds">Kinds whose real counterparts announce themselves (leaks, disks filling, degrading hardware): their recall is reported apart.</param>
    public static IncidentReport Evaluate(IReadOnlyList<ScoredWindow> windows, IReadOnlyList<IncidentOnset> incidents, double threshold,
        TimeSpan? window = null, IReadOnlySet<string>? precursorKinds = null)
    {
        var scored = windows.Where(w => !double.IsNaN(w.Probability)).ToList();
        var probabilities = scored.Select(w => w.Probability).ToList();
        var labels = scored.Select(w => w.Positive).ToList();
        var (precision, recall) = RankingMetrics.At(probabilities, labels, threshold);

        // Alarms by entity, in time order, for the event-level view.
        var alarms = scored.Where(w => w.Probability >= threshold).GroupBy(w => w.Series)
            .ToDictionary(g => g.Key, g => g.Select(w => w.EndMs).Order().ToArray());
        long earliestLead = (long)EarliestLead.TotalMilliseconds, latestLead = (long)LatestLead.TotalMilliseconds;
        var leads = new List<double>();
        var byKind = new Dictionary<string, (int, int)>();
        int predicted = 0, withPrecursor = 0, predictedWithPrecursor = 0;
        foreach (var incident in incidents)
        {
            long? earliest = null;
            foreach (int s in incident.Series)
            {
                if (!alarms.TryGetValue(s, out var times)) continue;
                foreach (var t in times)
                    if (t <= incident.OnsetMs - latestLead && t >= incident.OnsetMs - earliestLead) { if (earliest is null || t < earliest) earliest = t; break; }
            }
            var (n, p) = byKind.GetValueOrDefault(incident.Kind);
            bool precursor = precursorKinds?.Contains(incident.Kind) == true;
            if (precursor) withPrecursor++;
            if (earliest is { } e)
            {
                predicted++;
                if (precursor) predictedWithPrecursor++;
                leads.Add((incident.OnsetMs - e) / 1000.0);
                byKind[incident.Kind] = (n + 1, p + 1);
            }
            else byKind[incident.Kind] = (n + 1, p);
        }

        // Episodes: an entity's alarms with gaps of at most two windows.
        long gap = 2 * (long)(window ?? TimeSpan.FromMinutes(1)).TotalMilliseconds;
        var onsetsOf = new Dictionary<int, List<long>>();
        foreach (var incident in incidents)
            foreach (int s in incident.Series)
                (onsetsOf.TryGetValue(s, out var list) ? list : onsetsOf[s] = []).Add(incident.OnsetMs);
        int episodes = 0, trueEpisodes = 0;
        foreach (var (series, times) in alarms)
        {
            for (int i = 0; i < times.Length;)
            {
                int j = i;
                while (j + 1 < times.Length && times[j + 1] - times[j] <= gap) j++;
                long start = times[i], end = times[j];
                episodes++;
                if (onsetsOf.TryGetValue(series, out var onsets) && onsets.Any(o => o >= start + latestLead && o <= end + earliestLead)) trueEpisodes++;
                i = j + 1;
            }
        }
        return new IncidentReport(scored.Count, labels.Count(l => l),
            RankingMetrics.AveragePrecision(probabilities, labels), RankingMetrics.RocAuc(probabilities, labels), precision, recall,
            incidents.Count, predicted, incidents.Count == 0 ? 0 : predicted / (double)incidents.Count,
            Statistics.Median.Of(leads),
            threshold, byKind, episodes, trueEpisodes, withPrecursor, predictedWithPrecursor, leads);
    }
}
