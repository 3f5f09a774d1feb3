namespace NovaOps.Placement.Availability;

/// <summary>
/// Which hosts may take new VMs: not those in maintenance (the inventory says so), nor those the incident
/// predictor expects to fail (alarms on <see cref="PlacementOptions.PredictedFailureVms"/> distinct VMs of the host
/// within <see cref="PlacementOptions.PredictedFailureHold"/>; the hold lasts that long after the last alarm). No
/// peer scheduler reads predictions: this is where they keep new VMs off a host before it fails. Applies its
/// verdicts to the engine; event time.
/// </summary>
public sealed class HostAvailability(PlacementEngine engine)
{
    private readonly HashSet<string> _maintenance = new(StringComparer.Ordinal), _predicted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, long>> _alarms = new(StringComparer.Ordinal); // host → VM → last alarm
    private long _now;

    public IReadOnlyCollection<string> PredictedToFail => _predicted;
    public IReadOnlyCollection<string> InMaintenance => _maintenance;

    public void SetMaintenance(string host, bool maintenance)
    {
        if (maintenance) _maintenance.Add(host); else _maintenance.Remove(host);
        Apply(host);
    }

    /// <summary>An incident-predictor alarm on a VM of <paramref name="host"/>.</summary>
    public void Alarm(string host, string vm, long atMs)
    {
        if (string.IsNullOrEmpty(host)) return;
        if (!_alarms.TryGetValue(host, out var vms)) _alarms[host] = vms = new(StringComparer.Ordinal);
        vms[vm] = Math.Max(vms.GetValueOrDefault(vm), atMs);
        Advance(atMs);
        if (Recent(vms) >= engine.Options.PredictedFailureVms && _predicted.Add(host)) Apply(host);
    }

    /// <summary>Moves the clock: holds whose last alarm is older than the hold end.</summary>
    public void Advance(long nowMs)
    {
        if (nowMs <= _now) return;
        _now = nowMs;
        foreach (var host in _predicted.ToList())
            if (!_alarms.TryGetValue(host, out var vms) || Recent(vms) < engine.Options.PredictedFailureVms)
            {
                _predicted.Remove(host);
                Apply(host);
            }
    }

    private int Recent(Dictionary<string, long> vms)
    {
        long from = _now - (long)engine.Options.PredictedFailureHold.TotalMilliseconds;
        foreach (var (vm, at) in vms) if (at < from) vms.Remove(vm);
        return vms.Count;
    }

    private void Apply(string host) => engine.SetAvailable(host, !_maintenance.Contains(host) && !_predicted.Contains(host));
}
