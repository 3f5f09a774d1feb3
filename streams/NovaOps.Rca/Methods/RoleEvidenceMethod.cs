using NovaOps.Rca.Evidence;

namespace NovaOps.Rca.Methods;

/// <summary>
/// Evidence by role, after BARO's robust scores: a node's metrics are read in three roles — its resources (CPU, memory,
/// syscalls, disk: only its own trouble moves them), the latency it serves and its errors (which also show its callees'
/// trouble) — and it scores the sum over roles of log(1 + z) of its largest change in that role, each z capped at
/// <see cref="RcaOptions.MaxZ"/>. A cause usually moves several roles at once (a CPU hog: CPU and latency), a caller
/// waiting on it mostly one (latency); the log and the cap keep one metric that was flat in its history (a z of 10⁹ for
/// any move) from outweighing every other node. No graph: it ranks the same with or without one.
/// </summary>
public sealed class RoleEvidenceMethod(RcaOptions options) : IRootCauseMethod
{
    public string Name => "roles";

    public IReadOnlyDictionary<string, double> Score(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence) =>
        evidence.ToDictionary(e => e.Key, e => NodeScore(e.Value), StringComparer.Ordinal);

    /// <summary>
    /// Σ over roles of log(1 + the role's largest capped z); a node whose changes have no known role (metrics named
    /// otherwise) scores log(1 + its capped magnitude), as for one role.
    /// </summary>
    public double NodeScore(NodeAnomaly node)
    {
        double resource = 0, latency = 0, errors = 0;
        bool known = false;
        foreach (var change in node.Changes)
        {
            double z = Math.Min(change.Z, options.MaxZ);
            var role = options.RoleOf(change.Metric);
            known |= role is MetricRole.Resource or MetricRole.Latency or MetricRole.Errors;
            switch (role)
            {
                case MetricRole.Resource: resource = Math.Max(resource, z); break;
                case MetricRole.Latency: latency = Math.Max(latency, z); break;
                case MetricRole.Errors: errors = Math.Max(errors, z); break;
            }
        }
        return known ? Math.Log(1 + resource) + Math.Log(1 + latency) + Math.Log(1 + errors) : Math.Log(1 + Math.Min(node.Magnitude, options.MaxZ));
    }
}
