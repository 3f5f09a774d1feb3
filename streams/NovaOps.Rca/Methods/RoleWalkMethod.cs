using NovaOps.Rca.Evidence;

namespace NovaOps.Rca.Methods;

/// <summary>
/// The roles method's evidence (<see cref="RoleEvidenceMethod"/>) walked over the call graph as <see cref="CombinedMethod"/>
/// walks magnitudes: a node ranks high when the walk settles on it and its own metrics moved in several roles. Without
/// a graph the walk stays where it starts and this ranks as the roles method does.
/// </summary>
public sealed class RoleWalkMethod(RcaOptions options) : IRootCauseMethod
{
    private readonly PageRankMethod _pageRank = new(options);
    private readonly RoleEvidenceMethod _roles = new(options);

    public string Name => "roles-walk";

    public IReadOnlyDictionary<string, double> Score(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence)
    {
        var walk = _pageRank.Walk(c, evidence, _roles.NodeScore);
        return walk.ToDictionary(w => w.Key, w => w.Value * (evidence.TryGetValue(w.Key, out var e) ? _roles.NodeScore(e) : 0), StringComparer.Ordinal);
    }
}
