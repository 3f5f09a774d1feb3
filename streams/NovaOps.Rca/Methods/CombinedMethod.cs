using NovaOps.Rca.Evidence;

namespace NovaOps.Rca.Methods;

/// <summary>
/// Propagation × magnitude: a node ranks high when the graph walk settles on it and its own metrics moved
/// far. The walk alone favours quiet nodes beneath a noisy one; magnitude alone favours the loud symptom.
/// Timing breaks ties (see <see cref="RootCauseAnalyzer"/>).
/// </summary>
public sealed class CombinedMethod(RcaOptions options) : IRootCauseMethod
{
    private readonly PageRankMethod _pageRank = new(options);

    public string Name => "combined";

    public IReadOnlyDictionary<string, double> Score(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence)
    {
        var walk = _pageRank.Score(c, evidence);
        return walk.ToDictionary(w => w.Key, w => w.Value * Math.Log(1 + (evidence.TryGetValue(w.Key, out var e) ? e.Magnitude : 0)), StringComparer.Ordinal);
    }
}
