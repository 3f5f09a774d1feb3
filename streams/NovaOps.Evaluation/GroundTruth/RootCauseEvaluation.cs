using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <summary>How the RCA app's rankings compare with the simulator's true root causes.</summary>
/// <param name="Incidents">Incidents ranked that match an injected fault.</param>
/// <param name="Unmatched">Incidents ranked that match no fault (anomalies without an injected cause).</param>
public sealed record RootCauseReport(int Incidents, int Unmatched, double Top1, double Top3, int FaultsWithIncident, int Faults);

public static class RootCauseEvaluation
{
    /// <summary>
    /// Takes each incident's latest ranking, matches it to the fault whose affected VMs it shares most
    /// (anomalies during the fault, within <paramref name="grace"/> of its end; a zone fault's VMs are
    /// those in its zone, from <paramref name="zoneOfVm"/>), and scores whether the fault's root cause
    /// (its VM, host or zone) is first, or in the first three.
    /// </summary>
    public static RootCauseReport Evaluate(IReadOnlyList<FaultLabel> labels, IEnumerable<RootCauseEvent> rankings,
        IReadOnlyDictionary<string, string> zoneOfVm, TimeSpan grace)
    {
        var latest = rankings.GroupBy(r => r.IncidentId)
            .Select(g => g.OrderBy(r => r.Final).ThenBy(r => r.AnalysedMs).ThenBy(r => r.LastAnomalyMs).Last()).ToList();
        long graceMs = (long)grace.TotalMilliseconds;
        int matched = 0, top1 = 0, top3 = 0;
        var faultsHit = new HashSet<string>();
        foreach (var incident in latest)
        {
            var vms = incident.AnomalousVms.ToHashSet(StringComparer.Ordinal);
            var fault = labels
                .Where(l => incident.FirstAnomalyMs >= l.PrecursorStartMs - graceMs && incident.FirstAnomalyMs <= l.EndMs + graceMs)
                .Select(l => (Label: l, Shared: l.Scope == FaultScope.Zone
                    ? vms.Count(v => zoneOfVm.TryGetValue(v, out var z) && z == l.Zone)
                    : l.AffectedVms.Count(vms.Contains)))
                .Where(x => x.Shared > 0)
                .OrderByDescending(x => x.Shared)
                .Select(x => x.Label)
                .FirstOrDefault();
            if (fault is null) continue;
            matched++;
            faultsHit.Add(fault.FaultId);
            int rank = incident.Candidates.Select(c => c.Node).ToList().IndexOf(fault.RootCause);
            if (rank == 0) top1++;
            if (rank is >= 0 and < 3) top3++;
        }
        return new RootCauseReport(matched, latest.Count - matched, matched == 0 ? 0 : top1 / (double)matched,
            matched == 0 ? 0 : top3 / (double)matched, faultsHit.Count, labels.Count);
    }
}
