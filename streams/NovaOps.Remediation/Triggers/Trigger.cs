using NovaOps.Contracts;

namespace NovaOps.Remediation.Triggers;

/// <summary>What a trigger came from: the kinds a runbook matches on.</summary>
public enum TriggerSource
{
    Prediction,
    Anomaly,
    RootCause,
    Operator,
}

/// <summary>
/// One reason to act, read from a prediction, an anomaly, a root cause or an operator command.
/// <paramref name="IdempotencyKey"/> is the identity of the record it came from: a redelivered record gives the
/// same key, and the executor never acts twice on a key.
/// </summary>
/// <param name="Target">The node the trigger is about (a VM for predictions and anomalies; the ranked cause for root causes).</param>
/// <param name="Confidence">Probability of a prediction, score of an anomaly, score share of the top root cause (0..1).</param>
/// <param name="TopMetric">The metric that contributed most, when the record names one (what the runbooks match on).</param>
/// <param name="AtMs">Event time of the record: the executor's clock (cooldowns, windows, deadlines).</param>
/// <param name="Parameters">Given to the actuator over the runbook step's own (an operator's plan: the host a VM goes to).</param>
/// <param name="HostCoverage">For a ranked host: the share of its VMs among the incident's anomalous VMs (0..1); 0 otherwise.</param>
public sealed record Trigger(
    string IdempotencyKey,
    TriggerSource Source,
    string Target,
    NodeKind TargetKind,
    string Zone,
    string Host,
    string TenantId,
    TenantTier Tier,
    double Confidence,
    string? TopMetric,
    long AtMs,
    IReadOnlyDictionary<string, string>? Parameters = null,
    double HostCoverage = 0)
{
    /// <summary>The id of the node of the given kind this trigger is about (its VM, its host or its zone).</summary>
    public string? TargetOf(NodeKind kind) => kind switch
    {
        _ when kind == TargetKind => Target,
        NodeKind.Host => string.IsNullOrEmpty(Host) ? null : Host,
        NodeKind.Zone => string.IsNullOrEmpty(Zone) ? null : Zone,
        _ => null,
    };

    /// <summary>Each source by its name on the audit's records and in the runbooks' <c>triggers</c>.</summary>
    public static IReadOnlyDictionary<string, TriggerSource> SourcesByName { get; } = new Dictionary<string, TriggerSource>
    {
        ["prediction"] = TriggerSource.Prediction, ["anomaly"] = TriggerSource.Anomaly, ["root_cause"] = TriggerSource.RootCause, ["operator"] = TriggerSource.Operator,
    };

    public static string SourceName(TriggerSource source) => SourcesByName.First(kv => kv.Value == source).Key;

    /// <summary>The source a record's name stands for (<see cref="SourceName"/> read back); an unknown name is an operator's.</summary>
    public static TriggerSource SourceOf(string name) => SourcesByName.GetValueOrDefault(name, TriggerSource.Operator);
}
