namespace NovaOps.Rca;

/// <summary>Settings of the root-cause analysis (section <c>Rca</c>).</summary>
public sealed record RcaOptions
{
    /// <summary>
    /// Metrics that measure load, not health, and are not evidence: a caller's traffic moves when a callee
    /// fails (retries, timeouts), so a load change points at the wrong node. Matched on the metric name's
    /// first part ("requests.Sum" → "requests").
    /// </summary>
    public IReadOnlyList<string> LoadMetrics { get; init; } = ["requests", "net_rx_bytes", "net_tx_bytes"];

    /// <summary>A metric has changed once its robust z reaches this.</summary>
    public double ChangeThreshold { get; init; } = 3;

    /// <summary>PageRank's damping: the chance a walk follows an edge rather than jumping by anomaly.</summary>
    public double Damping { get; init; } = 0.85;

    /// <summary>Weight of a step back to a caller, relative to a step to a callee (lets a walk leave a dead end).</summary>
    public double BackwardWeight { get; init; } = 0.1;

    /// <summary>How many candidates a result lists.</summary>
    public int MaxCandidates { get; init; } = 10;
}
