namespace NovaOps.Remediation.Guardrails;

/// <summary>
/// Where each VM runs and whose it is, learnt from the records the executor reads (telemetry carries zone, host
/// and tenant): what the blast-radius guardrail divides by, and what a host or zone action touches.
/// </summary>
public sealed class FleetInventory
{
    private readonly Dictionary<string, (string Zone, string Host, string Tenant)> _vms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _zones = new(StringComparer.Ordinal), _tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _zoneOfHost = new(StringComparer.Ordinal);

    public int VmCount => _vms.Count;

    /// <summary>Records a VM's place; a VM seen elsewhere than before moves.</summary>
    public void Observe(string vm, string zone, string host, string tenant)
    {
        if (_vms.TryGetValue(vm, out var old))
        {
            if (old == (zone, host, tenant)) return;
            Add(_zones, old.Zone, -1);
            Add(_tenants, old.Tenant, -1);
            if (_hosts.TryGetValue(old.Host, out var was) && was.Remove(vm) && was.Count == 0) _hosts.Remove(old.Host);
        }
        _vms[vm] = (zone, host, tenant);
        Add(_zones, zone, 1);
        Add(_tenants, tenant, 1);
        if (!string.IsNullOrEmpty(host))
        {
            _zoneOfHost[host] = zone;
            if (!_hosts.TryGetValue(host, out var on)) _hosts[host] = on = new HashSet<string>(StringComparer.Ordinal);
            on.Add(vm);
        }
    }

    public (string Zone, string Host, string Tenant)? Placement(string vm) => _vms.TryGetValue(vm, out var p) ? p : null;

    public string? ZoneOfHost(string host) => _zoneOfHost.GetValueOrDefault(host);

    public int VmsInZone(string zone) => _zones.GetValueOrDefault(zone);
    public int VmsOnHost(string host) => _hosts.TryGetValue(host, out var on) ? on.Count : 0;

    /// <summary>The VMs on a host, with their tenants.</summary>
    public IEnumerable<(string Vm, string Tenant)> OnHost(string host) =>
        _hosts.TryGetValue(host, out var on) ? on.Select(vm => (vm, _vms[vm].Tenant)) : [];
    public int VmsOfTenant(string tenant) => _tenants.GetValueOrDefault(tenant);

    private static void Add(Dictionary<string, int> counts, string key, int delta)
    {
        if (string.IsNullOrEmpty(key)) return;
        int n = counts.GetValueOrDefault(key) + delta;
        if (n <= 0) counts.Remove(key);
        else counts[key] = n;
    }
}
