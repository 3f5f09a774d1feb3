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

    /// <summary>Metrics of a node's own resources (name's first part starts so), moved only by its own trouble.</summary>
    public IReadOnlyList<string> ResourceMetrics { get; init; } = ["cpu", "mem", "syscalls", "disk"];

    /// <summary>Metrics of the latency a node serves (its callers wait for it); a node's wait on its callees (client latency) is not one.</summary>
    public IReadOnlyList<string> LatencyMetrics { get; init; } = ["latency"];

    /// <summary>Metrics of a node's failed requests.</summary>
    public IReadOnlyList<string> ErrorMetrics { get; init; } = ["availability", "error"];

    /// <summary>
    /// The largest z a metric counts for in the roles methods (a metric flat in its history moves by a z of 10⁹): chosen
    /// among 10, 20, 50 and none on Nezha's first day, the second day reporting (docs/rca.md, docs/benchmarks.md).
    /// </summary>
    public double MaxZ { get; init; } = 50;

    /// <summary>The role of a metric by the start of its name's first part ("cpu.percent", "cpu_util" → resource).</summary>
    public MetricRole RoleOf(string metric)
    {
        int dot = metric.IndexOf('.');
        var head = dot < 0 ? metric : metric[..dot];
        static bool Any(IReadOnlyList<string> prefixes, string head) => prefixes.Any(p => head.StartsWith(p, StringComparison.OrdinalIgnoreCase));
        if (Any(LoadMetrics, head)) return MetricRole.Load;
        if (Any(ResourceMetrics, head)) return MetricRole.Resource;
        if (Any(LatencyMetrics, head)) return MetricRole.Latency;
        if (Any(ErrorMetrics, head)) return MetricRole.Errors;
        return MetricRole.Other;
    }
}

/// <summary>What a metric says about its node: load (not evidence), its own resources, the latency it serves, its errors, or other.</summary>
public enum MetricRole { Other, Load, Resource, Latency, Errors }
