using NovaOps.Contracts;

namespace NovaOps.Streams.Rca.Incidents;

/// <summary>What one VM's anomalies in an incident say: how far it strayed, since when, and in which metrics.</summary>
public sealed class VmEvidence(string vm, string host, string zone)
{
    public string Vm { get; } = vm;
    public string Host { get; } = host;
    public string Zone { get; } = zone;
    public double Magnitude { get; private set; }

    /// <summary>Highest probability of an incident prediction alarm on this VM during the incident (0: none).</summary>
    public double Predicted { get; private set; }

    public void Predict(double probability) => Predicted = Math.Max(Predicted, probability);
    public long FirstMs { get; private set; } = long.MaxValue;
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Per metric, the largest robust z its anomalies reported (absent: the detector reports shares only).</summary>
    public Dictionary<string, double> MetricZ { get; } = new(StringComparer.Ordinal);

    /// <summary>How far a metric moved: its own largest z when the detector reported one, else the VM's magnitude.</summary>
    public double ZOf(string metric) => MetricZ.TryGetValue(metric, out double z) && z > 0 ? z : Magnitude;

    /// <summary>The metrics that carried most of its anomalies, largest share first.</summary>
    public IEnumerable<string> TopMetrics(int count) => Metrics.OrderByDescending(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal).Take(count).Select(m => m.Key);

    /// <summary>
    /// An anomaly's magnitude in robust σ: its largest metric z when the detector reports one, else its
    /// score scaled so that an anomaly at score 0.9 counts as a 9σ change (the ONNX detector reports a
    /// calibrated score, not per-metric z).
    /// </summary>
    public static double MagnitudeOf(AnomalyEvent a) =>
        Math.Max(a.Contributions.Select(c => Math.Abs(c.RobustZ)).DefaultIfEmpty(0).Max(), 10 * a.Score);

    public void Add(AnomalyEvent a)
    {
        Magnitude = Math.Max(Magnitude, MagnitudeOf(a));
        FirstMs = Math.Min(FirstMs, a.WindowStartMs);
        foreach (var c in a.Contributions)
        {
            Metrics[c.Metric] = Math.Max(Metrics.GetValueOrDefault(c.Metric), c.Contribution);
            if (double.IsFinite(c.RobustZ) && c.RobustZ != 0) MetricZ[c.Metric] = Math.Max(MetricZ.GetValueOrDefault(c.Metric), Math.Abs(c.RobustZ));
        }
    }

    public void Merge(VmEvidence other)
    {
        Magnitude = Math.Max(Magnitude, other.Magnitude);
        Predicted = Math.Max(Predicted, other.Predicted);
        FirstMs = Math.Min(FirstMs, other.FirstMs);
        foreach (var (metric, share) in other.Metrics) Metrics[metric] = Math.Max(Metrics.GetValueOrDefault(metric), share);
        foreach (var (metric, z) in other.MetricZ) MetricZ[metric] = Math.Max(MetricZ.GetValueOrDefault(metric), z);
    }
}

/// <summary>Where a VM stands in the graph, as far as grouping goes: its host, the service it serves, the services it calls.</summary>
public sealed record VmLinks(string Host, string? Serves, IReadOnlyList<string> Calls);

/// <summary>Anomalies grouped as one incident: close in time and on the graph.</summary>
public sealed class Incident(string id, AnomalyEvent first)
{
    public string Id { get; } = id;
    public string Region { get; } = first.Region;
    public string Symptom { get; private set; } = first.VmId;
    public long FirstMs { get; private set; } = first.WindowStartMs;
    public long LastMs { get; private set; } = first.WindowEndMs;
    public Dictionary<string, VmEvidence> Vms { get; } = new(StringComparer.Ordinal);
    // Each link with the end of the last anomaly that came through it.
    private readonly Dictionary<string, long> _hosts = new(StringComparer.Ordinal), _serves = new(StringComparer.Ordinal), _calls = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether a VM shares a host with one of the incident's VMs, or a call links them (either way), and that
    /// VM was anomalous within <paramref name="windowMs"/> of <paramref name="startMs"/>: a fault shows on what
    /// it hurts within minutes; a later anomaly on a linked VM is more likely a fault of its own.
    /// </summary>
    public bool IsLinkedTo(VmLinks vm, long startMs, long windowMs)
    {
        bool Recent(Dictionary<string, long> seen, string key) => seen.TryGetValue(key, out long last) && startMs - last <= windowMs;
        return Recent(_hosts, vm.Host) || (vm.Serves is { } s && Recent(_calls, s)) || vm.Calls.Any(c => Recent(_serves, c));
    }

    private static void Seen(Dictionary<string, long> seen, string key, long ms) => seen[key] = Math.Max(seen.GetValueOrDefault(key, long.MinValue), ms);

    /// <summary>A ranking of it was written.</summary>
    public bool Ranked { get; set; }

    /// <summary>New evidence since the last ranking.</summary>
    public bool Dirty { get; set; } = true;

    /// <summary>Wall-clock time its first anomaly arrived, for the time-to-first-root-cause metric; null once ranked.</summary>
    public long? OpenedTimestamp { get; set; }

    public void Add(AnomalyEvent a, VmLinks links)
    {
        if (!Vms.TryGetValue(a.VmId, out var vm)) Vms[a.VmId] = vm = new VmEvidence(a.VmId, a.Host, a.Zone);
        vm.Add(a);
        Seen(_hosts, links.Host, a.WindowEndMs);
        if (links.Serves is { } s) Seen(_serves, s, a.WindowEndMs);
        foreach (var c in links.Calls) Seen(_calls, c, a.WindowEndMs);
        LastMs = Math.Max(LastMs, a.WindowEndMs);
        Dirty = true;
    }

    /// <summary>A prediction alarm for one of its VMs, or a VM linked to them (then it joins with no anomaly of its own).</summary>
    public void AddPrediction(PredictionEvent p)
    {
        if (!Vms.TryGetValue(p.VmId, out var vm)) Vms[p.VmId] = vm = new VmEvidence(p.VmId, p.Host, p.Zone);
        vm.Predict(p.Probability);
        Dirty = true;
    }

    /// <summary>Takes in an incident that turned out to be the same one (an anomaly linked both).</summary>
    public void Merge(Incident other)
    {
        foreach (var (id, evidence) in other.Vms)
            if (Vms.TryGetValue(id, out var mine)) mine.Merge(evidence);
            else Vms[id] = evidence;
        foreach (var (k, v) in other._hosts) Seen(_hosts, k, v);
        foreach (var (k, v) in other._serves) Seen(_serves, k, v);
        foreach (var (k, v) in other._calls) Seen(_calls, k, v);
        if (other.FirstMs < FirstMs) (FirstMs, Symptom) = (other.FirstMs, other.Symptom);
        LastMs = Math.Max(LastMs, other.LastMs);
        OpenedTimestamp = OpenedTimestamp is { } a && other.OpenedTimestamp is { } b ? Math.Min(a, b) : OpenedTimestamp ?? other.OpenedTimestamp;
        Dirty = true;
    }
}
