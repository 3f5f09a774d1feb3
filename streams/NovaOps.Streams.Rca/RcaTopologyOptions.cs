using NovaOps.Rca;

namespace NovaOps.Streams.Rca;

/// <summary>Settings of the RCA app (section <c>Rca</c>).</summary>
public sealed record RcaTopologyOptions
{
    public string ApplicationId { get; init; } = "novaops-rca";

    /// <summary>The ranking method (nsigma, pagerank, timing, combined).</summary>
    public string Method { get; init; } = RootCauseAnalyzer.DefaultMethod;

    /// <summary>
    /// An anomaly joins an open incident when a VM of the incident linked to its VM (same host, or a call
    /// between their services) was anomalous this recently. Three minutes: a fault shows on what it hurts
    /// within a window or two; longer windows chained the unrelated faults of a busy fleet into one incident.
    /// </summary>
    public TimeSpan GroupingWindow { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>An incident closes (its final ranking is written) after this much stream time without a new anomaly.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Wall-clock interval at which incidents with new evidence are ranked again.</summary>
    public TimeSpan RankInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The analysis itself (change threshold, PageRank settings, load metrics).</summary>
    public RcaOptions Analysis { get; init; } = new();

    public string TopologyStore => $"{ApplicationId}-topology";
}
