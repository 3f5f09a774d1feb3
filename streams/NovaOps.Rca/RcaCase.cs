using NovaOps.Rca.Evidence;
using NovaOps.Rca.Graph;

namespace NovaOps.Rca;

/// <summary>
/// What an analysis looks at: the graph, the node where the problem was seen (the symptom) and when, the
/// metrics of the incident's neighbourhood around that time, and each metric's normal history.
/// </summary>
/// <param name="Baselines">Normal level and spread per (node, metric); a series without one is judged against
/// its own points before onset, or not at all when there are too few.</param>
public sealed record RcaCase(
    DependencyGraph Graph,
    string Symptom,
    long OnsetUnixSeconds,
    IReadOnlyList<MetricSeries> Series,
    IReadOnlyDictionary<(string Node, string Metric), RobustBaseline> Baselines);
