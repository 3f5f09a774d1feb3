using System.Globalization;
using NovaOps.Contracts;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Simulator.Control;

/// <summary>What an action did when it was over: the faults it ended, the VMs it moved, or why it could do nothing.</summary>
public sealed record CommandEffect(IReadOnlyList<InjectedFault> Resolved, IReadOnlyList<int> Moved, string? Refused = null, bool Failed = false);

/// <summary>An action that started at <see cref="StartTick"/> and ran its course at <see cref="Tick"/> (one VM's migration of a drain is one completion).</summary>
public sealed record ActionCompletion(FleetCommand Command, long StartTick, long Tick, CommandEffect Effect);

/// <summary>
/// The simulated fleet's control plane: applies remediation commands the way the real actions would change the fleet,
/// and with what they cost (<see cref="ActionCostOptions"/>). A restart takes the VM down until it has booted, then its
/// memory leak or runaway process is gone; a disk grown by <c>disk_grow_percent</c> ends its filling once the new size
/// is usable; a live migration (to its <c>to_host</c> when a plan chose one), a host drain or a zone evacuation copies
/// each VM's memory while it keeps running under its fault, then stuns it for the final copy and moves it off the
/// failing host or zone (a moved VM reports its new host and zone); a CPU cap (<c>cpu_cap_percent</c>) holds a
/// runaway's CPU and most of its latency down at once but ends nothing. Undo lifts a cap or a disk growth. An action may
/// fail (<see cref="ActionCostOptions.FailureRate"/>): it costs what it costs and changes nothing else. A paged person
/// ends the faults of what the page names after acknowledging and fixing them. The same costs fall on a VM with no
/// fault: restarting a healthy VM takes it down.
/// </summary>
public sealed class FleetControl
{
    private readonly FleetLayout _fleet;
    private readonly TelemetryGenerator _generator;
    private readonly ActionCosts _costs;
    private readonly double _intervalSeconds;
    private readonly Dictionary<int, int> _hostOverride = [];
    private readonly Dictionary<int, double> _cpuCap = [], _diskGrow = [];
    private readonly Dictionary<string, int> _hostIndex, _zoneIndex;
    private readonly PriorityQueue<Pending, (long Tick, long Order)> _pending = new();
    private readonly Dictionary<int, (long Until, bool Harmful)> _down = [];
    private readonly List<(int Vm, double Seconds, bool Harmful)> _stuns = [];
    private long _order;

    private sealed record Pending(FleetCommand Command, ActionKind Kind, int Vm, bool Fails, bool Harmful)
    {
        public long StartTick { get; init; }
    }

    internal FleetControl(FleetLayout fleet, TelemetryGenerator generator, ActionCostOptions costs)
    {
        costs.Validate();
        _fleet = fleet;
        _generator = generator;
        _costs = new ActionCosts(costs, fleet.Options.Seed);
        _intervalSeconds = fleet.Options.SampleInterval.TotalSeconds;
        _hostIndex = Enumerable.Range(0, fleet.HostCount).ToDictionary(fleet.HostName, StringComparer.Ordinal);
        _zoneIndex = Enumerable.Range(0, fleet.ZoneCount).ToDictionary(fleet.ZoneName, StringComparer.Ordinal);
    }

    public ActionCosts Costs => _costs;

    /// <summary>The host a VM runs on now (moved by an action, or where the layout put it).</summary>
    public int HostOf(int vm) => _hostOverride.TryGetValue(vm, out int host) ? host : _fleet.HostOf(vm);

    /// <summary>Whether an action keeps <paramref name="vm"/> down at <paramref name="tick"/> (a restart until it has booted), and whether it had no fault to cure.</summary>
    public (bool Down, bool Harmful) DownAt(int vm, long tick) =>
        _down.Count > 0 && _down.TryGetValue(vm, out var d) && tick < d.Until ? (true, d.Harmful) : (false, false);

    /// <summary>The migration stuns since the last call: shorter than a tick, so counted in seconds, not ticks.</summary>
    public IReadOnlyList<(int Vm, double Seconds, bool Harmful)> TakeStuns()
    {
        if (_stuns.Count == 0) return [];
        var taken = _stuns.ToList();
        _stuns.Clear();
        return taken;
    }

    /// <summary>Actions not over yet.</summary>
    public int PendingCount => _pending.Count;

    private long Now => Math.Max(0, _generator.Tick);

    private long Ticks(double seconds) => Math.Max(1, (long)Math.Ceiling(seconds / _intervalSeconds));

    /// <summary>
    /// Starts <paramref name="command"/> at the current tick. What it changes comes later, from <see cref="Complete"/>,
    /// except a CPU cap and an undo, which take effect at once (the returned effect). A command the fleet cannot carry
    /// out is refused at once.
    /// </summary>
    public CommandEffect Apply(FleetCommand command)
    {
        long now = Now;
        switch (command.Kind)
        {
            case ActionKind.RestartVm when Vm(command.Target) is { } vm:
            {
                bool harmful = _generator.FaultOf(vm) is null;
                long until = now + Ticks(_costs.RestartSeconds(command.ActionId, vm));
                _down[vm] = (Math.Max(until, DownAt(vm, now).Down ? _down[vm].Until : 0), harmful);
                Schedule(until, new(command, command.Kind, vm, _costs.Fails(command.ActionId, vm), harmful));
                return new([], []);
            }
            case ActionKind.ResizeVm when Vm(command.Target) is { } vm:
                if (command.Undo)
                {
                    _diskGrow.Remove(vm);
                    return new([], []);
                }
                Schedule(now + Ticks(_costs.DiskGrowSeconds(command.ActionId, vm)), new(command, command.Kind, vm, _costs.Fails(command.ActionId, vm), false));
                return new([], []);
            case ActionKind.Throttle when Vm(command.Target) is { } vm:
                // A cgroup setting: in place within a tick, nothing to fail or to wait for.
                if (command.Undo) _cpuCap.Remove(vm);
                else _cpuCap[vm] = Math.Clamp(Parameter(command, "cpu_cap_percent", 60), 1, 100);
                return new([], []);
            case ActionKind.LiveMigrate when Vm(command.Target) is { } vm:
                if (command.Parameters.TryGetValue("to_host", out var toHost) && !_hostIndex.ContainsKey(toHost)) return new([], [], $"unknown host {toHost}");
                if (!command.Parameters.ContainsKey("to_host") && Target(vm, sameZone: true) is null)
                    return new([], [], $"no other host in {_fleet.ZoneName(_fleet.ZoneOfHost(HostOf(vm)))}");
                Migrate(command, [vm], now);
                return new([], []);
            case ActionKind.DrainHost when _hostIndex.TryGetValue(command.Target, out int host):
            {
                var vms = VmsOnHost(host).ToList();
                if (vms.Count > 0 && Target(vms[0], sameZone: true) is null) return new([], [], $"no other host in {_fleet.ZoneName(_fleet.ZoneOfHost(host))}");
                Migrate(command, vms, now);
                return new([], []);
            }
            case ActionKind.EvacuateZone when _zoneIndex.TryGetValue(command.Target, out int zone):
            {
                var vms = VmsInZone(zone).ToList();
                if (vms.Count > 0 && Target(vms[0], sameZone: false) is null) return new([], [], "no other zone in the region");
                // Each source host runs its own migrations: a zone empties as fast as its busiest host.
                foreach (var onHost in vms.GroupBy(HostOf)) Migrate(command, [.. onHost], now);
                return new([], []);
            }
            case ActionKind.PageHuman:
                Schedule(now + Ticks(_costs.HumanSeconds(command.ActionId)), new(command, command.Kind, -1, Fails: false, Harmful: false));
                return new([], []);
            default:
                return new([], [], $"unknown target {command.Target} for {command.Kind}");
        }
    }

    /// <summary>Live migrations of <paramref name="vms"/> from one host, <see cref="ActionCostOptions.ParallelMigrationsPerHost"/> at a time.</summary>
    private void Migrate(FleetCommand command, IReadOnlyList<int> vms, long now)
    {
        var lanes = new double[_costs.Options.ParallelMigrationsPerHost];
        foreach (int vm in vms)
        {
            int lane = Array.IndexOf(lanes, lanes.Min());
            lanes[lane] += _costs.CopySeconds(vm);
            Schedule(now + Ticks(lanes[lane]), new(command, ActionKind.LiveMigrate, vm, _costs.Fails(command.ActionId, vm), _generator.FaultOf(vm) is null));
        }
    }

    private void Schedule(long tick, Pending pending) => _pending.Enqueue(pending with { StartTick = Now }, (tick, _order++));

    /// <summary>The actions whose time has come by the current tick, with what each did (call after <see cref="TelemetryGenerator.Advance"/>).</summary>
    public IReadOnlyList<ActionCompletion> Complete()
    {
        long now = Now;
        List<ActionCompletion>? done = null;
        while (_pending.TryPeek(out var p, out var due) && due.Tick <= now)
        {
            _pending.Dequeue();
            if (p.Kind == ActionKind.RestartVm && _down.TryGetValue(p.Vm, out var down) && down.Until <= now) _down.Remove(p.Vm); // booted
            (done ??= []).Add(new(p.Command, p.StartTick, now, p.Fails ? new([], [], Failed: true) : Finish(p)));
        }
        return done ?? (IReadOnlyList<ActionCompletion>)[];
    }

    private CommandEffect Finish(Pending p)
    {
        var resolved = new List<InjectedFault>();
        void Release(int vm, Func<InjectedFault, bool> cures)
        {
            if (_generator.FaultOf(vm) is { } f && cures(f) && _generator.Release(vm) is { } over) resolved.Add(over);
        }

        switch (p.Kind)
        {
            case ActionKind.RestartVm:
                Release(p.Vm, f => f.Kind is FaultKind.MemoryLeak or FaultKind.CpuRunaway);
                return new(resolved, []);
            case ActionKind.ResizeVm:
                _diskGrow[p.Vm] = Parameter(p.Command, "disk_grow_percent", 50) / 100;
                Release(p.Vm, f => f.Kind == FaultKind.DiskFilling);
                return new(resolved, []);
            case ActionKind.LiveMigrate:
            {
                int? to = p.Command.Kind == ActionKind.LiveMigrate && p.Command.Parameters.TryGetValue("to_host", out var toHost)
                    ? _hostIndex[toHost] // a planned move: the failover planner chose the host
                    : Target(p.Vm, sameZone: p.Command.Kind != ActionKind.EvacuateZone);
                if (to is null) return new([], [], "no host to move to");
                _hostOverride[p.Vm] = to.Value;
                _stuns.Add((p.Vm, _costs.StunSeconds(p.Command.ActionId, p.Vm), p.Harmful));
                Release(p.Vm, f => p.Command.Kind == ActionKind.EvacuateZone ? f.Scope is FaultScope.Host or FaultScope.Zone : f.Scope == FaultScope.Host);
                return new(resolved, [p.Vm]);
            }
            case ActionKind.PageHuman:
                return new(_generator.EndFaultsTouching(TargetVms(p.Command.Target)), []);
            default:
                return new([], []);
        }
    }

    /// <summary>The VMs a command's target names: a VM, a host's or a zone's; a service's or anything else: none.</summary>
    private IEnumerable<int> TargetVms(string target) =>
        Vm(target) is { } vm ? [vm]
        : _hostIndex.TryGetValue(target, out int host) ? VmsOnHost(host)
        : _zoneIndex.TryGetValue(target, out int zone) ? VmsInZone(zone)
        : [];

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

    /// <summary>Where a move of <paramref name="vm"/> goes: the next host of its zone, or a host of another zone of its region; null when there is none.</summary>
    private int? Target(int vm, bool sameZone)
    {
        int from = HostOf(vm);
        int zone = _fleet.ZoneOfHost(from);
        int zones = _fleet.ZoneCount;
        if (sameZone)
        {
            // Hosts of a zone are z, z + zones, z + 2·zones, …: the next one, wrapping.
            int to = from + zones < _fleet.HostCount ? from + zones : zone;
            return to == from ? null : to;
        }
        string region = _fleet.RegionName(zone);
        int other = Enumerable.Range(1, zones - 1).Select(k => (zone + k) % zones).FirstOrDefault(z => _fleet.RegionName(z) == region, -1);
        if (other < 0 || other >= _fleet.HostCount) return null;
        int hostsThere = (_fleet.HostCount - other + zones - 1) / zones;
        return other + zones * (vm % hostsThere); // spread the zone's VMs over the other zone's hosts
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
