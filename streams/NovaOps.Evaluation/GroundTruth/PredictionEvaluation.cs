using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <param name="AlarmsDuringIncidents">Alarms on windows a fault touching their VM was already hurting: left out of
/// <see cref="AlarmPrecision"/>.</param>
/// <param name="IncidentsWithPrecursor">Faults whose first sign came before their onset: the ones a VM's history can announce
/// (the simulator's noisy neighbours start at onset, with no sign before).</param>
public sealed record PredictionReport(int Predictions, int Alarms, int AlarmsDuringIncidents, int Incidents, int IncidentsPredicted,
    double AlarmPrecision, double IncidentRecall, double? MedianLeadTimeSeconds, int IncidentsWithPrecursor, int IncidentsWithPrecursorPredicted);

/// <summary>
/// Scores published predictions against the simulator's fault labels (merged, see <see cref="FaultLabels.Merge"/>).
/// An alarm is right when a fault touching its VM (or its zone, for a zone fault) reaches onset within the horizon
/// after the alarm's window; an incident is predicted when such an alarm came within the horizon before its onset,
/// and its lead time runs from the earliest one to the onset.
/// An alarm on a window that overlaps a fault past its onset on that VM (affected, hurt through service calls, or in
/// the faulty zone) is too late to be a prediction: it is counted apart, left out of the precision and of the lead
/// times, as <c>eval incident</c> leaves such windows out. Counting them as wrong would make the precision mostly a
/// measure of how long faults last (in a demo run, nine alarms in ten came from VMs already hurting).
/// </summary>
public static class PredictionEvaluation
{
    public static PredictionReport Evaluate(IReadOnlyCollection<FaultLabel> labels, IReadOnlyCollection<PredictionEvent> predictions, TimeSpan window)
    {
        var alarms = predictions.Where(p => p.Alarm).ToList();
        long windowMs = (long)window.TotalMilliseconds;
        bool Touches(FaultLabel l, PredictionEvent p) => FaultIndex.Hits(l, p.VmId, p.Zone);
        bool Hurts(FaultLabel l, PredictionEvent p) => Touches(l, p) || l.SymptomVms.Contains(p.VmId);
        bool Precedes(FaultLabel l, PredictionEvent p) => l.OnsetMs > p.WindowEndMs && l.OnsetMs <= p.WindowEndMs + p.HorizonMs;
        bool During(FaultLabel l, PredictionEvent p) => l.OnsetMs < p.WindowEndMs && l.EndMs > p.WindowEndMs - windowMs;

        var judged = alarms.Where(a => !labels.Any(l => Hurts(l, a) && During(l, a))).ToList();
        int right = judged.Count(a => labels.Any(l => Touches(l, a) && Precedes(l, a)));
        var leads = new List<double>();
        int withPrecursor = 0, withPrecursorPredicted = 0;
        foreach (var l in labels)
        {
            var earliest = judged.Where(a => Touches(l, a) && Precedes(l, a)).Select(a => (long?)a.WindowEndMs).Min();
            if (earliest is { } t) leads.Add((l.OnsetMs - t) / 1000.0);
            if (l.PrecursorStartMs >= l.OnsetMs) continue;
            withPrecursor++;
            if (earliest is not null) withPrecursorPredicted++;
        }
        return new PredictionReport(predictions.Count, alarms.Count, alarms.Count - judged.Count, labels.Count, leads.Count,
            judged.Count == 0 ? 0 : right / (double)judged.Count, labels.Count == 0 ? 0 : leads.Count / (double)labels.Count, Statistics.Median.Of(leads),
            withPrecursor, withPrecursorPredicted);
    }
}
