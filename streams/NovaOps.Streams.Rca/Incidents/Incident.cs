using NovaOps.Contracts;

namespace NovaOps.Streams.Rca.Incidents;

/// <summary>What one VM's anomalies in an incident say: how far it strayed, since when, and in which metrics.</summary>
public sealed class VmEvidence(string vm, string host, string zone)
{
    public string Vm { get; } = vm;
    public string Host { get; } = host;
    public string Zone { get; } = zone;
    public double Magnitude { get; private set; }
    public long FirstMs { get; private set; } = long.MaxValue;
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

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
            Metrics[c.Metric] = Math.Max(Metrics.GetValueOrDefault(c.Metric), c.Contribution);
    }
}

/// <summary>Anomalies grouped as one incident: close in time and on the graph.</summary>
public sealed class Incident(string id, AnomalyEvent first)
{
    public string Id { get; } = id;
    public string Region { get; } = first.Region;
    public string Symptom { get; } = first.VmId;
    public long FirstMs { get; } = first.WindowStartMs;
    public long LastMs { get; private set; } = first.WindowEndMs;
    public Dictionary<string, VmEvidence> Vms { get; } = new(StringComparer.Ordinal);
    /// <summary>Hosts and services the incident's VMs stand on or call (what links a new anomaly to it).</summary>
    public HashSet<string> Links { get; } = new(StringComparer.Ordinal);

    /// <summary>New evidence since the last ranking.</summary>
    public bool Dirty { get; set; } = true;

    /// <summary>Wall-clock time its first anomaly arrived, for the time-to-first-root-cause metric; null once ranked.</summary>
    public long? OpenedTimestamp { get; set; }

    public void Add(AnomalyEvent a, IEnumerable<string> links)
    {
        if (!Vms.TryGetValue(a.VmId, out var vm)) Vms[a.VmId] = vm = new VmEvidence(a.VmId, a.Host, a.Zone);
        vm.Add(a);
        Links.UnionWith(links);
        LastMs = Math.Max(LastMs, a.WindowEndMs);
        Dirty = true;
    }
}
