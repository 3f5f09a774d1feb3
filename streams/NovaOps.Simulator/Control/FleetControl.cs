using System.Globalization;
using NovaOps.Contracts;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Simulator.Control;

/// <summary>What one command did: the faults it ended, the VMs it moved, or why it could do nothing.</summary>
public sealed record CommandEffect(IReadOnlyList<InjectedFault> Resolved, IReadOnlyList<int> Moved, string? Refused = null);

/// <summary>
/// The simulated fleet's control plane: applies remediation commands at the current tick, the way the real
/// actions would change the metrics. A restart ends a VM's memory leak or runaway process; a disk grown by
/// <c>disk_grow_percent</c> ends its filling; a live migration (to its <c>to_host</c> when a plan chose one), a host
/// drain or a zone evacuation moves VMs off a failing host or zone (a moved VM reports its new host and zone); a CPU cap (<c>cpu_cap_percent</c>)
/// holds a runaway's CPU and most of its latency down but ends nothing. Undo lifts a cap or a disk growth.
/// Paging a human changes nothing here: the fault lasts until its planned end.
/// </summary>
public sealed class FleetControl
{
    private readonly FleetLayout _fleet;
    private readonly TelemetryGenerator _generator;
    private readonly Dictionary<int, int> _hostOverride = [];
    private readonly Dictionary<int, double> _cpuCap = [], _diskGrow = [];
    private readonly Dictionary<string, int> _hostIndex, _zoneIndex;

    internal FleetControl(FleetLayout fleet, TelemetryGenerator generator)
    {
        _fleet = fleet;
        _generator = generator;
        _hostIndex = Enumerable.Range(0, fleet.HostCount).ToDictionary(fleet.HostName, StringComparer.Ordinal);
        _zoneIndex = Enumerable.Range(0, fleet.ZoneCount).ToDictionary(fleet.ZoneName, StringComparer.Ordinal);
    }

    /// <summary>The host a VM runs on now (moved by an action, or where the layout put it).</summary>
    public int HostOf(int vm) => _hostOverride.TryGetValue(vm, out int host) ? host : _fleet.HostOf(vm);

    public CommandEffect Apply(FleetCommand command)
    {
        var resolved = new List<InjectedFault>();
        var moved = new List<int>();
        void Release(int vm, Func<InjectedFault, bool> cures)
        {
            if (_generator.FaultOf(vm) is { } f && cures(f) && _generator.Release(vm) is { } over) resolved.Add(over);
        }

        switch (command.Kind)
        {
            case ActionKind.RestartVm when Vm(command.Target) is { } vm:
                Release(vm, f => f.Kind is FaultKind.MemoryLeak or FaultKind.CpuRunaway);
                break;
            case ActionKind.ResizeVm when Vm(command.Target) is { } vm:
                if (command.Undo) _diskGrow.Remove(vm);
                else
                {
                    _diskGrow[vm] = Parameter(command, "disk_grow_percent", 50) / 100;
                    Release(vm, f => f.Kind == FaultKind.DiskFilling);
                }
                break;
            case ActionKind.Throttle when Vm(command.Target) is { } vm:
                if (command.Undo) _cpuCap.Remove(vm);
                else _cpuCap[vm] = Math.Clamp(Parameter(command, "cpu_cap_percent", 60), 1, 100);
                break;
            case ActionKind.LiveMigrate when Vm(command.Target) is { } vm:
                if (command.Parameters.TryGetValue("to_host", out var toHost))
                {
                    // A planned move (the failover planner chose the host).
                    if (!_hostIndex.TryGetValue(toHost, out int to)) return new([], [], $"unknown host {toHost}");
                    _hostOverride[vm] = to;
                }
                else if (!Move(vm, sameZone: true)) return new([], [], $"no other host in {_fleet.ZoneName(_fleet.ZoneOfHost(HostOf(vm)))}");
                moved.Add(vm);
                Release(vm, f => f.Scope == FaultScope.Host);
                break;
            case ActionKind.DrainHost when _hostIndex.TryGetValue(command.Target, out int host):
                foreach (int vm in VmsOnHost(host).ToList())
                {
                    if (!Move(vm, sameZone: true)) return new(resolved, moved, $"no other host in {_fleet.ZoneName(_fleet.ZoneOfHost(host))}");
                    moved.Add(vm);
                    Release(vm, f => f.Scope == FaultScope.Host);
                }
                break;
            case ActionKind.EvacuateZone when _zoneIndex.TryGetValue(command.Target, out int zone):
                foreach (int vm in VmsInZone(zone).ToList())
                {
                    if (!Move(vm, sameZone: false)) return new(resolved, moved, "no other zone in the region");
                    moved.Add(vm);
                    Release(vm, f => f.Scope is FaultScope.Host or FaultScope.Zone);
                }
                break;
            case ActionKind.PageHuman:
                break;
            default:
                return new([], [], $"unknown target {command.Target} for {command.Kind}");
        }
        return new(resolved, moved);
    }

    /// <summary>Holds a capped VM's CPU (and the latency a runaway adds) down, and shrinks a grown disk's use.</summary>
    internal void Mitigate(int vm, ReadOnlySpan<double> normal, Span<double> m)
    {
        if (_cpuCap.Count > 0 && _cpuCap.TryGetValue(vm, out double cap) && m[0] > cap)
        {
            m[0] = cap;
            m[6] = normal[6] + 0.2 * (m[6] - normal[6]); // the neighbours and the VM's own requests breathe again
        }
        if (_diskGrow.Count > 0 && _diskGrow.TryGetValue(vm, out double grow)) m[2] /= 1 + grow;
    }

    private bool Move(int vm, bool sameZone)
    {
        int from = HostOf(vm);
        int zone = _fleet.ZoneOfHost(from);
        int zones = _fleet.ZoneCount;
        int to;
        if (sameZone)
        {
            // Hosts of a zone are z, z + zones, z + 2·zones, …: the next one, wrapping.
            to = from + zones < _fleet.HostCount ? from + zones : zone;
            if (to == from) return false;
        }
        else
        {
            string region = _fleet.RegionName(zone);
            int other = Enumerable.Range(1, zones - 1).Select(k => (zone + k) % zones).FirstOrDefault(z => _fleet.RegionName(z) == region, -1);
            if (other < 0 || other >= _fleet.HostCount) return false;
            int hostsThere = (_fleet.HostCount - other + zones - 1) / zones;
            to = other + zones * (vm % hostsThere); // spread the zone's VMs over the other zone's hosts
        }
        _hostOverride[vm] = to;
        return true;
    }

    private IEnumerable<int> VmsOnHost(int host)
    {
        foreach (int vm in _fleet.VmsOnHost(host))
            if (HostOf(vm) == host) yield return vm;
        foreach (var (vm, h) in _hostOverride)
            if (h == host && _fleet.HostOf(vm) != host) yield return vm;
    }

    private IEnumerable<int> VmsInZone(int zone)
    {
        for (int h = zone; h < _fleet.HostCount; h += _fleet.ZoneCount)
            foreach (int vm in VmsOnHost(h)) yield return vm;
    }

    private int? Vm(string name) =>
        name.StartsWith("vm-", StringComparison.Ordinal) && int.TryParse(name.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int vm) && vm < _fleet.VmCount ? vm : null;

    private static double Parameter(FleetCommand command, string name, double fallback) =>
        command.Parameters.TryGetValue(name, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : fallback;
}
