namespace NovaOps.Rca.Evidence;

/// <summary>
/// Per-node anomaly magnitude with robust scaling against normal history (the N-Sigma/BARO family, which
/// leads RCAEval): each health metric's points after onset are compared with its level just before onset
/// (the case's own pre-onset median, so a slow drift since the history was taken is not a change) in
/// units of its normal spread; a node's magnitude is its largest metric z.
/// </summary>
public static class AnomalyEvidence
{
    public static Dictionary<string, NodeAnomaly> Of(RcaCase c, RcaOptions options)
    {
        var changes = new Dictionary<string, List<MetricChange>>(StringComparer.Ordinal);
        foreach (var series in c.Series)
        {
            if (options.RoleOf(series.Metric) == MetricRole.Load) continue;
            var points = series.Points.ToList();
            var before = points.Where(p => p.Time < c.OnsetUnixSeconds).Select(p => p.Value).ToList();
            var after = points.Where(p => p.Time >= c.OnsetUnixSeconds).ToList();
            if (after.Count == 0) continue; // no data since onset: nothing to judge
            var baseline = c.Baselines.GetValueOrDefault((series.Node, series.Metric)) ?? RobustBaseline.Fit(before);
            if (baseline is null) continue; // no normal history: no evidence either way
            double reference = before.Count > 0 ? Median(before) : baseline.Median;
            double peakZ = 0, peak = reference;
            long? changedAt = null;
            foreach (var (time, value) in after)
            {
                double z = baseline.Z(value, reference);
                if (z > peakZ) (peakZ, peak) = (z, value);
                if (changedAt is null && z >= options.ChangeThreshold) changedAt = time;
            }
            if (!changes.TryGetValue(series.Node, out var list)) changes[series.Node] = list = [];
            list.Add(new MetricChange(series.Metric, peakZ, changedAt, reference, peak));
        }

        var result = c.Graph.Nodes.ToDictionary(n => n, NodeAnomaly.None, StringComparer.Ordinal);
        foreach (var (node, list) in changes)
        {
            list.Sort((a, b) => b.Z.CompareTo(a.Z));
            long? first = list.Where(m => m.ChangedAt is not null).Select(m => m.ChangedAt).Min();
            result[node] = new NodeAnomaly(node, list[0].Z, first, list);
        }
        return result;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
