namespace NovaOps.Rca.Evidence;

/// <summary>How far a node strayed from its normal history during an incident, and which of its metrics did.</summary>
/// <param name="Magnitude">The largest robust z of the node's health metrics after onset (0: no evidence).</param>
/// <param name="ChangedAt">First time (unix s) one of its metrics reached the change threshold; null if none did.</param>
public sealed record NodeAnomaly(string Node, double Magnitude, long? ChangedAt, IReadOnlyList<MetricChange> Changes)
{
    public static NodeAnomaly None(string node) => new(node, 0, null, []);
}

/// <summary>One metric's change: its largest z after onset and when it first crossed the threshold.</summary>
public sealed record MetricChange(string Metric, double Z, long? ChangedAt, double Reference, double Peak);
