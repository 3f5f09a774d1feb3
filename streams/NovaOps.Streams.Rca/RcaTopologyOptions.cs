using NovaOps.Rca;

namespace NovaOps.Streams.Rca;

/// <summary>Settings of the RCA app (section <c>Rca</c>).</summary>
public sealed record RcaTopologyOptions
{
    public string ApplicationId { get; init; } = "novaops-rca";

    /// <summary>The ranking method (nsigma, pagerank, timing, combined).</summary>
    public string Method { get; init; } = RootCauseAnalyzer.DefaultMethod;

    /// <summary>
    /// An anomaly joins an open incident when it is this close in time (its window end vs the incident's
    /// latest) and shares a host or zone with one of the incident's VMs.
    /// </summary>
    public TimeSpan GroupingWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>An incident closes (its final ranking is written) after this much stream time without a new anomaly.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Wall-clock interval at which incidents with new evidence are ranked again.</summary>
    public TimeSpan RankInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The analysis itself (change threshold, PageRank settings, load metrics).</summary>
    public RcaOptions Analysis { get; init; } = new();

    public string TopologyStore => $"{ApplicationId}-topology";
}
