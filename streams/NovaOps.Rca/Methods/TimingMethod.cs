using NovaOps.Rca.Evidence;

namespace NovaOps.Rca.Methods;

/// <summary>
/// Causes change before effects: the node whose metrics crossed the change threshold first ranks first,
/// ties (same step) broken by magnitude; nodes that never crossed it come after, by magnitude.
/// </summary>
public sealed class TimingMethod : IRootCauseMethod
{
    public string Name => "timing";

    public IReadOnlyDictionary<string, double> Score(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence)
    {
        var order = evidence.Values
            .OrderBy(e => e.ChangedAt ?? long.MaxValue)
            .ThenByDescending(e => e.Magnitude)
            .ThenBy(e => e.Node, StringComparer.Ordinal)
            .ToList();
        // Scores that keep that order: 1, 1/2, 1/3, … (0 for nodes without any evidence).
        return order.Select((e, i) => (e.Node, Score: e.Magnitude > 0 ? 1.0 / (i + 1) : 0))
            .ToDictionary(x => x.Node, x => x.Score, StringComparer.Ordinal);
    }
}
