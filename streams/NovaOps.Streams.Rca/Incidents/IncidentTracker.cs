using NovaOps.Contracts;

namespace NovaOps.Streams.Rca.Incidents;

/// <summary>
/// Groups anomalies into incidents. An anomaly joins an open incident that holds a VM on the same host
/// within the grouping window (a host's troubles show on its VMs over minutes), or one in the same zone
/// whose first anomaly is at most two windows older (a zone-wide fault hits its VMs at once; unrelated
/// faults of one zone rarely start within two minutes of each other). Otherwise it opens a new incident.
/// Incidents close after a quiet period of stream time (the anomalies' own timestamps).
/// </summary>
public sealed class IncidentTracker(RcaTopologyOptions options)
{
    private static readonly long ZoneBurstMs = (long)TimeSpan.FromMinutes(2).TotalMilliseconds;
    private readonly List<Incident> _open = [];
    private long _streamTimeMs;
    private long _sequence;

    public IReadOnlyList<Incident> Open => _open;

    public Incident Add(AnomalyEvent a)
    {
        _streamTimeMs = Math.Max(_streamTimeMs, a.WindowEndMs);
        long window = (long)options.GroupingWindow.TotalMilliseconds;
        var incident = _open.FirstOrDefault(i => a.WindowStartMs - i.LastMs <= window && i.Hosts.Contains(a.Host))
            ?? _open.FirstOrDefault(i => Math.Abs(a.WindowStartMs - i.FirstMs) <= ZoneBurstMs && i.Vms.Values.Any(v => v.Zone == a.Zone));
        if (incident is null)
        {
            incident = new Incident($"{a.Region}-{a.WindowStartMs}-{++_sequence}", a);
            _open.Add(incident);
        }
        incident.Add(a);
        return incident;
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
