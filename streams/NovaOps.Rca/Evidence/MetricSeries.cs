namespace NovaOps.Rca.Evidence;

/// <summary>One metric of one node around an incident: timestamps (unix s) and values (NaN = no data).</summary>
public sealed record MetricSeries(string Node, string Metric, IReadOnlyList<long> Timestamps, IReadOnlyList<double> Values)
{
    public IEnumerable<(long Time, double Value)> Points => Timestamps.Zip(Values).Where(p => double.IsFinite(p.Second));
}
