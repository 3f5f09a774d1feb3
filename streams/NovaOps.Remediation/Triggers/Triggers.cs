using NovaOps.Contracts;

// Where a node runs: a VM's zone, host, tenant and tier, a host's zone; null for a node it does not know.
using Placement = System.Func<string, (string Zone, string Host, string TenantId, NovaOps.Contracts.TenantTier Tier)?>;

namespace NovaOps.Remediation.Triggers;

/// <summary>Reads triggers from the records of the region's topics.</summary>
public static class Triggers
{
    /// <summary>An alarm of the incident predictor; null for a prediction below the model's threshold.</summary>
    public static Trigger? FromPrediction(PredictionEvent p) => !p.Alarm ? null : new Trigger(
        $"prediction:{p.VmId}:{p.WindowEndMs}:{p.Model}", TriggerSource.Prediction, p.VmId, NodeKind.Vm, p.Zone, p.Host,
        p.TenantId, p.TenantTier, p.Probability, p.Contributions.Count > 0 ? p.Contributions[0].Metric : null, p.WindowEndMs);

    public static Trigger FromAnomaly(AnomalyEvent a) => new(
        $"anomaly:{a.VmId}:{a.WindowStartMs}:{a.Detector}", TriggerSource.Anomaly, a.VmId, NodeKind.Vm, a.Zone, a.Host,
        a.TenantId, a.TenantTier, a.Score, a.Contributions.Count > 0 ? a.Contributions[0].Metric : null, a.WindowEndMs);

    /// <summary>
    /// The top candidate of an incident's ranking; null when the ranking was merged into another incident or has
    /// no candidate. Rankings before the final one count: the final ranking comes once the incident has been quiet
    /// for a while, too late to act. The key is the incident and the node, so a node is acted on once per
    /// incident however often it stays on top, and a ranking that changes its mind names a new node; the
    /// runbooks' <c>min_confidence</c> (the top candidate's share of the scores of the rival explanations, see
    /// <see cref="Confidence"/>) keeps weak guesses out.
    /// Its time is the incident's last anomaly (the telemetry's clock; <c>analysed_ms</c> is the RCA app's stream
    /// time, the records' Kafka timestamps). The candidate's own host and zone are not on the record:
    /// <paramref name="placement"/> gives them (from the inventory), else the trigger carries only the node itself.
    /// </summary>
    /// <param name="vmsOnHost">How many VMs run on a host (for <see cref="Trigger.HostCoverage"/>).</param>
    public static Trigger? FromRootCause(RootCauseEvent e, Placement? placement = null,
        Func<string, int>? vmsOnHost = null)
    {
        if (!string.IsNullOrEmpty(e.MergedInto) || e.Candidates.Count == 0) return null;
        var top = e.Candidates[0];
        double confidence = Confidence(e.Candidates, placement);
        var place = placement?.Invoke(top.Node);
        string zone = top.Kind == NodeKind.Zone ? top.Node : place?.Zone ?? "";
        string host = top.Kind == NodeKind.Host ? top.Node : place?.Host ?? "";
        return new Trigger($"root_cause:{e.IncidentId}:{top.Node}", TriggerSource.RootCause, top.Node, top.Kind, zone, host,
            place?.TenantId ?? "", place?.Tier ?? TenantTier.Unspecified, confidence, top.Metrics.Count > 0 ? top.Metrics[0] : null, e.LastAnomalyMs,
            HostCoverage: top.Kind == NodeKind.Host ? HostCoverage(e, top.Node, placement, vmsOnHost) : 0);
    }

    private static double HostCoverage(RootCauseEvent e, string host, Placement? placement,
        Func<string, int>? vmsOnHost)
    {
        int total = vmsOnHost?.Invoke(host) ?? 0;
        if (total == 0 || placement is null) return 0;
        int anomalous = e.AnomalousVms.Count(vm => placement(vm) is { } p && p.Host == host);
        return Math.Min(1, anomalous / (double)total);
    }

    /// <summary>
    /// The top candidate's share of the scores of the candidates that explain the incident otherwise. A VM on the top
    /// host is its symptom, not a rival: a failing host makes all its VMs anomalous, and counting them against the host
    /// would make the clearest host failures the least confident. A zone is not given the same: it contains every
    /// candidate of its incidents, so its share would near 1 for any of them and zones would be evacuated for host faults.
    /// </summary>
    public static double Confidence(IReadOnlyList<RootCauseCandidate> candidates, Placement? placement = null)
    {
        if (candidates.Count == 0) return 0;
        var top = candidates[0];
        double score = Math.Max(0, top.Score), rivals = 0;
        foreach (var c in candidates.Skip(1))
            if (!Explains(top, c, placement)) rivals += Math.Max(0, c.Score);
        return score + rivals > 0 ? score / (score + rivals) : 0;
    }

    private static bool Explains(RootCauseCandidate cause, RootCauseCandidate c, Placement? placement)
    {
        if (placement is null || cause.Kind != NodeKind.Host || c.Kind != NodeKind.Vm) return false;
        return placement(c.Node) is { } place && place.Host == cause.Node;
    }
}
