using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <summary>How the RCA app's rankings compare with the simulator's true root causes.</summary>
/// <param name="Incidents">Incidents ranked that match an injected fault.</param>
/// <param name="Unmatched">Incidents ranked that match no fault (anomalies without an injected cause).</param>
public sealed record RootCauseReport(int Incidents, int Unmatched, double Top1, double Top3, int FaultsWithIncident, int Faults);

public static class RootCauseEvaluation
{
    /// <summary>
    /// Takes each incident's latest ranking, finds the faults it covers (it holds their VMs, affected or hurt
    /// through calls, while they ran, within <paramref name="grace"/>; a zone fault's VMs are those in its zone,
    /// from <paramref name="zoneOfVm"/>), and scores whether a root cause of those faults (a VM, host or zone)
    /// is first, or in the first three.
    /// </summary>
    public static RootCauseReport Evaluate(IReadOnlyList<FaultLabel> labels, IEnumerable<RootCauseEvent> rankings,
        IReadOnlyDictionary<string, string> zoneOfVm, TimeSpan grace)
    {
        var latest = rankings.GroupBy(r => r.IncidentId)
            .Select(g => g.OrderBy(r => r.Final).ThenBy(r => r.AnalysedMs).ThenBy(r => r.LastAnomalyMs).Last())
            .Where(r => string.IsNullOrEmpty(r.MergedInto)) // found to be part of another incident: counted there
            .ToList();
        long graceMs = (long)grace.TotalMilliseconds;
        int matched = 0, top1 = 0, top3 = 0;
        var faultsHit = new HashSet<string>();
        foreach (var incident in latest)
        {
            var vms = incident.AnomalousVms.ToHashSet(StringComparer.Ordinal);
            // The faults the incident covers: those whose VMs (affected, or hurt through calls) it holds while they
            // ran. Concurrent faults on linked VMs make one incident; naming any of their causes first is right.
            var faults = labels
                .Where(l => incident.FirstAnomalyMs <= l.EndMs + graceMs && Math.Max(incident.LastAnomalyMs, incident.FirstAnomalyMs) >= l.PrecursorStartMs - graceMs)
                .Where(l => l.Scope == FaultScope.Zone
                    ? vms.Any(v => zoneOfVm.TryGetValue(v, out var z) && z == l.Zone)
                    : l.AffectedVms.Any(vms.Contains) || l.SymptomVms.Any(vms.Contains))
                .ToList();
            if (faults.Count == 0) continue;
            matched++;
            foreach (var f in faults) faultsHit.Add(f.FaultId);
            var causes = faults.Select(f => f.RootCause).ToHashSet(StringComparer.Ordinal);
            var ranked = incident.Candidates.Select(c => c.Node).ToList();
            if (ranked.Count > 0 && causes.Contains(ranked[0])) top1++;
            if (ranked.Take(3).Any(causes.Contains)) top3++;
        }
        return new RootCauseReport(matched, latest.Count - matched, matched == 0 ? 0 : top1 / (double)matched,
            matched == 0 ? 0 : top3 / (double)matched, faultsHit.Count, labels.Count);
    }
}
