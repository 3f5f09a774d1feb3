using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <summary>The fault-labels topic as the evaluations read it.</summary>
public static class FaultLabels
{
    /// <summary>
    /// One label per fault. A fault an action ended has a second record with <c>resolved_ms</c>: the merged label
    /// keeps it, and ends the fault there (its metrics are normal again from then on).
    /// </summary>
    public static IReadOnlyList<FaultLabel> Merge(IEnumerable<FaultLabel> labels) =>
    [
        .. labels.GroupBy(l => l.FaultId).Select(g =>
        {
            var first = g.First().Clone();
            if (g.FirstOrDefault(l => l.ResolvedMs > 0) is { } resolved)
            {
                first.ResolvedMs = resolved.ResolvedMs;
                first.ResolvedBy = resolved.ResolvedBy;
                first.ResolveStartedMs = resolved.ResolveStartedMs;
                first.EndMs = Math.Min(first.EndMs, resolved.ResolvedMs);
            }
            return first;
        }),
    ];
}
