using NovaOps.Rca.Evidence;

namespace NovaOps.Rca.Methods;

/// <summary>
/// Propagation over the graph (MicroRCA / CloudRanger style): a personalised PageRank whose walk starts at
/// nodes in proportion to their anomaly, steps from a caller to its callees in proportion to how anomalous
/// each callee is (the problem came from there), steps back to callers with a small weight (to leave a
/// dead end), and stays on a node by as much as it is more anomalous than its worst callee (nothing below
/// explains it). The walk settles on the deepest anomalous nodes: causes rather than the symptoms above them.
/// Nodes of the evidence that the graph does not hold take part as isolated nodes.
/// </summary>
public sealed class PageRankMethod(RcaOptions options) : IRootCauseMethod
{
    private const int MaxIterations = 200;
    private const double Tolerance = 1e-12;

    public string Name => "pagerank";

    // log1p tames z: a 40σ latency spike should not drown the graph's structure.
    public IReadOnlyDictionary<string, double> Score(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence) =>
        Walk(c, evidence, e => Math.Log(1 + e.Magnitude));

    /// <summary>The walk's settled share per node, with <paramref name="anomaly"/> as each node's anomaly (0 for nodes without evidence).</summary>
    public IReadOnlyDictionary<string, double> Walk(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence, Func<NodeAnomaly, double> anomaly)
    {
        var g = c.Graph;
        var names = g.Nodes.Concat(evidence.Keys.Where(k => !g.Contains(k)).Order(StringComparer.Ordinal)).ToList();
        int n = names.Count;
        if (n == 0) return new Dictionary<string, double>();
        var a = names.Select(x => evidence.TryGetValue(x, out var e) ? anomaly(e) : 0).ToArray();
        double total = a.Sum();
        if (total <= 0) return names.ToDictionary(x => x, _ => 0.0, StringComparer.Ordinal);
        var personal = a.Select(x => x / total).ToArray();

        var transitions = new List<(int To, double P)>[n];
        for (int u = 0; u < n; u++)
        {
            var weights = new Dictionary<int, double>();
            double worstCallee = 0;
            if (u < g.Count)
            {
                foreach (int v in g.Callees(u)) { weights[v] = weights.GetValueOrDefault(v) + a[v]; worstCallee = Math.Max(worstCallee, a[v]); }
                foreach (int v in g.Callers(u)) weights[v] = weights.GetValueOrDefault(v) + options.BackwardWeight * a[v];
            }
            weights[u] = weights.GetValueOrDefault(u) + Math.Max(0, a[u] - worstCallee);
            double sum = weights.Values.Sum();
            transitions[u] = sum > 0 ? [.. weights.Select(kv => (kv.Key, kv.Value / sum))] : [(u, 1.0)];
        }

        var p = (double[])personal.Clone();
        var next = new double[n];
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            for (int i = 0; i < n; i++) next[i] = (1 - options.Damping) * personal[i];
            for (int u = 0; u < n; u++)
                foreach (var (to, share) in transitions[u]) next[to] += options.Damping * p[u] * share;
            double change = 0;
            for (int i = 0; i < n; i++) change += Math.Abs(next[i] - p[i]);
            (p, next) = (next, p);
            if (change < Tolerance) break;
        }
        return names.Select((x, i) => (x, p[i])).ToDictionary(t => t.x, t => t.Item2, StringComparer.Ordinal);
    }
}
