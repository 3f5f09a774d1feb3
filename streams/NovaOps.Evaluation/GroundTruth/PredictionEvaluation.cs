using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

public sealed record PredictionReport(int Predictions, int Alarms, int Incidents, int IncidentsPredicted,
    double AlarmPrecision, double IncidentRecall, double? MedianLeadTimeSeconds);

/// <summary>
/// Scores published predictions against the simulator's fault labels. An alarm is right when a fault
/// touching its VM (or its zone, for a zone fault) reaches onset within the horizon after the alarm's
/// window; an incident is predicted when such an alarm came within the horizon before its onset, and its
/// lead time runs from the earliest one to the onset.
/// </summary>
public static class PredictionEvaluation
{
    public static PredictionReport Evaluate(IReadOnlyCollection<FaultLabel> labels, IReadOnlyCollection<PredictionEvent> predictions)
    {
        var alarms = predictions.Where(p => p.Alarm).ToList();
        bool Touches(FaultLabel l, PredictionEvent p) =>
            l.Scope == FaultScope.Zone ? l.Zone == p.Zone : l.AffectedVms.Contains(p.VmId);
        bool Precedes(FaultLabel l, PredictionEvent p) => l.OnsetMs > p.WindowEndMs && l.OnsetMs <= p.WindowEndMs + p.HorizonMs;

        int right = alarms.Count(a => labels.Any(l => Touches(l, a) && Precedes(l, a)));
        var leads = new List<double>();
        foreach (var l in labels)
        {
            var earliest = alarms.Where(a => Touches(l, a) && Precedes(l, a)).Select(a => (long?)a.WindowEndMs).Min();
            if (earliest is { } t) leads.Add((l.OnsetMs - t) / 1000.0);
        }
        leads.Sort();
        double? median = leads.Count == 0 ? null : leads.Count % 2 == 1 ? leads[leads.Count / 2] : (leads[leads.Count / 2 - 1] + leads[leads.Count / 2]) / 2;
        return new PredictionReport(predictions.Count, alarms.Count, labels.Count, leads.Count,
            alarms.Count == 0 ? 0 : right / (double)alarms.Count, labels.Count == 0 ? 0 : leads.Count / (double)labels.Count, median);
    }
}
