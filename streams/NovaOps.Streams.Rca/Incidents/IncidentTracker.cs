using NovaOps.Contracts;

namespace NovaOps.Streams.Rca.Incidents;

/// <summary>
/// Groups anomalies into incidents. An anomaly joins an open incident within the grouping window when its
/// VM is linked to one of the incident's VMs: the same host (a host's troubles show on its VMs over
/// minutes), or a service between them (one calls a service the other serves, or both call it: a slow
/// service shows at its callers); or when the incident is in the same zone and its first anomaly is at
/// most two windows older (a zone-wide fault hits its VMs at once; unrelated faults of one zone rarely start
/// within two minutes of each other). Otherwise it opens a new incident.
/// Incidents close after a quiet period of stream time (the anomalies' own timestamps).
/// </summary>
public sealed class IncidentTracker(RcaTopologyOptions options)
{
    private static readonly long ZoneBurstMs = (long)TimeSpan.FromMinutes(2).TotalMilliseconds;
    private readonly List<Incident> _open = [];
    private long _streamTimeMs;
    private long _sequence;

    public IReadOnlyList<Incident> Open => _open;

    public Incident Add(AnomalyEvent a, ITopologyView? topology = null)
    {
        _streamTimeMs = Math.Max(_streamTimeMs, a.WindowEndMs);
        long window = (long)options.GroupingWindow.TotalMilliseconds;
        var links = Links(a, topology);
        var incident = _open.FirstOrDefault(i => a.WindowStartMs - i.LastMs <= window && i.Links.Overlaps(links))
            ?? _open.FirstOrDefault(i => Math.Abs(a.WindowStartMs - i.FirstMs) <= ZoneBurstMs && i.Vms.Values.Any(v => v.Zone == a.Zone));
        if (incident is null)
        {
            incident = new Incident($"{a.Region}-{a.WindowStartMs}-{++_sequence}", a);
            _open.Add(incident);
        }
        incident.Add(a, links);
        return incident;
    }

    /// <summary>The nodes through which a VM's trouble reaches others or theirs reaches it: its host, its service, the services it calls.</summary>
    private static HashSet<string> Links(AnomalyEvent a, ITopologyView? topology)
    {
        var links = new HashSet<string>(StringComparer.Ordinal) { a.Host };
        if (topology is null) return links;
        if (topology.ServiceOf(a.VmId) is { } own) links.Add(own);
        if (topology.Get(a.VmId) is { } record)
            foreach (var d in record.DependsOn)
                if (topology.Get(d)?.Kind == NodeKind.Service) links.Add(d);
        return links;
    }

    /// <summary>Removes and returns the incidents quiet for longer than the quiet period.</summary>
    public IReadOnlyList<Incident> Close()
    {
        long quiet = (long)options.QuietPeriod.TotalMilliseconds;
        var closed = _open.Where(i => _streamTimeMs - i.LastMs > quiet).ToList();
        foreach (var i in closed) _open.Remove(i);
        return closed;
    }
}
