using NovaOps.Contracts;
using NovaOps.Remediation.Triggers;

namespace NovaOps.Remediation.Runbooks;

/// <summary>
/// A runbook: which triggers it answers (<see cref="Match"/>) and the actions to take, in order. The first action
/// runs; when it has a check and the metric does not recover in time, it is rolled back (when asked) and the next
/// one runs; when the actions run out, a human is paged.
/// </summary>
public sealed record Runbook(string Name, string Description, RunbookMatch Match, IReadOnlyList<RunbookStep> Steps);

/// <summary>
/// What a trigger must be for a runbook to answer it; an empty list matches anything. <see cref="When"/> reads the
/// target VM's latest sample: a model's word alone does not restart a VM whose memory looks normal.
/// <see cref="MinHostCoverage"/> asks that much of a ranked host's VMs to be among the incident's anomalous ones: a
/// host's own fault shows on most of its VMs, one VM's trouble with a few neighbours' symptoms does not.
/// </summary>
public sealed record RunbookMatch(
    IReadOnlySet<TriggerSource> Triggers,
    IReadOnlySet<NodeKind> TargetKinds,
    IReadOnlySet<string> TopMetrics,
    IReadOnlySet<TenantTier> TenantTiers,
    double MinConfidence,
    IReadOnlyList<MetricCondition> When,
    double MinHostCoverage = 0)
{
    /// <param name="current">The target's latest value of a metric; null when unknown (a condition on it fails).</param>
    public bool Matches(Trigger t, Func<string, double?> current) =>
        (Triggers.Count == 0 || Triggers.Contains(t.Source))
        && (TargetKinds.Count == 0 || TargetKinds.Contains(t.TargetKind))
        && (TopMetrics.Count == 0 || (t.TopMetric is not null && TopMetrics.Contains(t.TopMetric)))
        && (TenantTiers.Count == 0 || TenantTiers.Contains(t.Tier))
        && t.Confidence >= MinConfidence
        && (MinHostCoverage <= 0 || t.HostCoverage >= MinHostCoverage)
        && When.All(c => current(c.Metric) is { } v && c.Holds(v));
}

/// <summary>A metric above and/or below a value.</summary>
public sealed record MetricCondition(string Metric, double? Above, double? Below)
{
    public bool Holds(double value) => (Above is not { } a || value > a) && (Below is not { } b || value < b);
}

/// <summary>One action of a runbook.</summary>
/// <param name="Scope">What the action acts on: the trigger's VM, its host or its zone.</param>
/// <param name="Approval">Whether a human must approve it first; null: the guardrails' list of destructive actions decides.</param>
/// <param name="Rollback">Undo the action when its check fails (throttle, resize).</param>
public sealed record RunbookStep(ActionKind Action, NodeKind Scope, IReadOnlyDictionary<string, string> Parameters, RecoveryCheck? Verify,
    bool? Approval, bool Rollback);

/// <summary>The metric that must recover after an action: below (or above) a value within a deadline.</summary>
public sealed record RecoveryCheck(string Metric, double? Below, double? Above, TimeSpan Within)
{
    public bool Recovered(double value) => (Below is not { } b || value < b) && (Above is not { } a || value > a);

    public override string ToString() => $"{Metric} {(Below is { } b ? $"< {b}" : $"> {Above}")} within {Within.TotalMinutes:0.#} min";
}
