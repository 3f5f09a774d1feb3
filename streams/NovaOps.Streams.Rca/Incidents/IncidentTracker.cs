using NovaOps.Contracts;

namespace NovaOps.Streams.Rca.Incidents;

/// <summary>
/// Groups anomalies into incidents. An anomaly joins an open incident when its VM is linked to one of the
/// incident's VMs that was anomalous within the grouping window: the same host (a host's troubles show on its VMs over
/// minutes), or a call between them (one calls a service the other serves: a slow service shows at its
/// callers); or when the incident is in the same zone and its first anomaly is at most two windows older
/// (a zone-wide fault hits its VMs at once; unrelated faults of one zone rarely start within two minutes of
/// each other). Otherwise it opens a new incident. An anomaly linked to several incidents merges them: two
/// callers of a slow service open two incidents until the service's own VM shows up and joins them. Two
/// callers of one service are not linked by that alone: every VM of a tier calls the same few services,
/// and such a rule merged unrelated false alarms across the fleet.
/// Incidents close after a quiet period of stream time (the anomalies' own timestamps).
/// </summary>
public sealed class IncidentTracker(RcaTopologyOptions options)
{
    private static readonly long ZoneBurstMs = (long)TimeSpan.FromMinutes(2).TotalMilliseconds;
    private readonly List<Incident> _open = [];
    private long _streamTimeMs;
    private long _sequence;

    private readonly List<(Incident Gone, Incident Into)> _merged = [];

    public IReadOnlyList<Incident> Open => _open;

    /// <summary>Incidents merged into others since the last call (already ranked ones need a closing record).</summary>
    public IReadOnlyList<(Incident Gone, Incident Into)> TakeMerged()
    {
        var merged = _merged.ToList();
        _merged.Clear();
        return merged;
    }

    public Incident Add(AnomalyEvent a, ITopologyView? topology = null)
    {
        _streamTimeMs = Math.Max(_streamTimeMs, a.WindowEndMs);
        long window = (long)options.GroupingWindow.TotalMilliseconds;
        var links = Links(a, topology);
        var linked = _open.Where(i => i.IsLinkedTo(links, a.WindowStartMs, window)).ToList();
        if (linked.Count == 0 && _open.FirstOrDefault(i => Math.Abs(a.WindowStartMs - i.FirstMs) <= ZoneBurstMs && i.Vms.Values.Any(v => v.Zone == a.Zone)) is { } burst)
            linked.Add(burst);
        Incident incident;
        if (linked.Count == 0)
        {
            incident = new Incident($"{a.Region}-{a.WindowStartMs}-{++_sequence}", a);
            _open.Add(incident);
        }
        else
        {
            incident = linked.MinBy(i => i.FirstMs)!;
            foreach (var other in linked.Where(i => i != incident))
            {
                incident.Merge(other);
                _open.Remove(other);
                _merged.Add((other, incident));
            }
        }
        incident.Add(a, links);
        return incident;
    }

    /// <summary>
    /// An incident prediction alarm: evidence for the open incidents linked to its VM (recently, as for an
    /// anomaly); a VM the incident model expects to fail is more likely the cause than one it does not.
    /// </summary>
    public void AddPrediction(PredictionEvent p, ITopologyView? topology = null)
    {
        var links = Links(new AnomalyEvent { VmId = p.VmId, Host = p.Host, Zone = p.Zone }, topology);
        long window = (long)options.GroupingWindow.TotalMilliseconds;
        foreach (var incident in _open.Where(i => i.Vms.ContainsKey(p.VmId) || i.IsLinkedTo(links, p.WindowEndMs, window)))
            incident.AddPrediction(p);
    }

    /// <summary>How a VM's trouble reaches others or theirs reaches it: its host, the service it serves, the services it calls.</summary>
    private static VmLinks Links(AnomalyEvent a, ITopologyView? topology)
    {
        var calls = new List<string>();
        if (topology?.Get(a.VmId) is { } record)
            foreach (var d in record.DependsOn)
                if (topology.Get(d)?.Kind == NodeKind.Service) calls.Add(d);
        return new VmLinks(a.Host, topology?.ServiceOf(a.VmId), calls);
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
