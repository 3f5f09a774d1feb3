using NovaOps.Contracts;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Simulator.Tests;

/// <summary>The simulated fleet's control plane: actions change the metrics as the real ones would.</summary>
public class FleetControlTests
{
    private static TelemetryGenerator Generator(FaultKind kind, int seed = 3)
    {
        var fleet = new FleetLayout(new SimulatorOptions { Seed = seed, Vms = 400, FaultsPerHour = 4, FaultMix = new Dictionary<FaultKind, double> { [kind] = 1 } });
        return new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, 2000));
    }

    private static FleetCommand Command(ActionKind kind, string target, NodeKind targetKind, bool undo = false, params (string, string)[] parameters)
    {
        var c = new FleetCommand { SchemaVersion = SchemaVersions.FleetCommand, ActionId = $"test/{kind}", Kind = kind, Target = target, TargetKind = targetKind, Undo = undo };
        foreach (var (k, v) in parameters) c.Parameters[k] = v;
        return c;
    }

    [Fact]
    public void Restarting_a_leaking_vm_ends_its_leak()
    {
        var g = Generator(FaultKind.MemoryLeak);
        var twin = Generator(FaultKind.MemoryLeak); // the same fleet left alone
        var leak = g.Plan.Faults[0];
        int vm = leak.AffectedVms[0];
        for (long t = 0; t <= leak.OnsetTick; t++) { g.Advance(t); twin.Advance(t); }
        Assert.Same(leak, g.FaultOf(vm));

        var effect = g.Control.Apply(Command(ActionKind.RestartVm, FleetLayout.VmName(vm), NodeKind.Vm));
        Assert.Equal([leak.Id], effect.Resolved.Select(f => f.Id));
        Assert.Null(g.FaultOf(vm));
        g.Advance(leak.OnsetTick + 1);
        twin.Advance(leak.OnsetTick + 1);
        Assert.True(twin.Sample(vm).MemUtil - g.Sample(vm).MemUtil > 20, $"restarted {g.Sample(vm).MemUtil}, left alone {twin.Sample(vm).MemUtil}");

        // The fault is over: reaching its planned end later changes nothing.
        for (long t = leak.OnsetTick + 2; t <= leak.EndTick + 1; t++) g.Advance(t);
        Assert.Null(g.FaultOf(vm));
    }

    [Fact]
    public void A_restart_does_not_cure_what_a_restart_cannot()
    {
        var g = Generator(FaultKind.DiskFilling);
        var fault = g.Plan.Faults[0];
        int vm = fault.AffectedVms[0];
        for (long t = 0; t <= fault.OnsetTick; t++) g.Advance(t);
        Assert.Empty(g.Control.Apply(Command(ActionKind.RestartVm, FleetLayout.VmName(vm), NodeKind.Vm)).Resolved);
        Assert.Same(fault, g.FaultOf(vm));
        var grown = g.Control.Apply(Command(ActionKind.ResizeVm, FleetLayout.VmName(vm), NodeKind.Vm, false, ("disk_grow_percent", "100")));
        Assert.Equal([fault.Id], grown.Resolved.Select(f => f.Id));
    }

    [Fact]
    public void Draining_a_failing_host_moves_its_vms_and_ends_the_fault()
    {
        var g = Generator(FaultKind.HostFailure);
        var fault = g.Plan.Faults[0];
        string host = g.Fleet.HostName(fault.Target);
        for (long t = 0; t <= fault.OnsetTick; t++) g.Advance(t);
        Assert.All(fault.AffectedVms, vm => Assert.Equal(1, g.Sample(vm).ErrorRate)); // dead

        var effect = g.Control.Apply(Command(ActionKind.DrainHost, host, NodeKind.Host));
        Assert.Equal([fault.Id], effect.Resolved.Select(f => f.Id));
        Assert.Equal(fault.AffectedVms.Order(), effect.Moved.Order());
        g.Advance(fault.OnsetTick + 1);
        foreach (int vm in fault.AffectedVms)
        {
            var s = g.Sample(vm);
            Assert.NotEqual(host, s.Host);
            Assert.Equal(g.Fleet.ZoneName(g.Fleet.ZoneOfHost(fault.Target)), s.Zone); // same zone, another host
            Assert.True(s.ErrorRate < 0.5);
        }
    }

    [Fact]
    public void Planned_live_migrations_move_each_vm_to_its_host_and_the_last_one_ends_the_fault()
    {
        var g = Generator(FaultKind.HostFailure);
        var fault = g.Plan.Faults[0];
        for (long t = 0; t <= fault.OnsetTick; t++) g.Advance(t);
        // The failover planner's destinations: another host of the region, one per VM.
        var targets = fault.AffectedVms.ToDictionary(vm => vm, vm => g.Fleet.HostName((fault.Target + 1 + vm % 3) % g.Fleet.HostCount));
        var resolved = new List<string>();
        foreach (var (vm, to) in targets)
        {
            var effect = g.Control.Apply(Command(ActionKind.LiveMigrate, FleetLayout.VmName(vm), NodeKind.Vm, parameters: ("to_host", to)));
            Assert.Equal([vm], effect.Moved);
            resolved.AddRange(effect.Resolved.Select(f => f.Id));
            Assert.Equal(to, g.Fleet.HostName(g.Control.HostOf(vm)));
        }
        Assert.Equal([fault.Id], resolved); // ended by the last VM's move, once
        g.Advance(fault.OnsetTick + 1);
        Assert.All(targets, kv => Assert.Equal(kv.Value, g.Sample(kv.Key).Host));
        Assert.Equal("unknown host nowhere", g.Control.Apply(Command(ActionKind.LiveMigrate, FleetLayout.VmName(0), NodeKind.Vm, parameters: ("to_host", "nowhere"))).Refused);
    }

    [Fact]
    public void A_cpu_cap_holds_a_runaway_down_until_it_is_lifted()
    {
        var g = Generator(FaultKind.CpuRunaway);
        var fault = g.Plan.Faults[0];
        int vm = fault.AffectedVms[0];
        for (long t = 0; t <= fault.OnsetTick; t++) g.Advance(t);
        string name = FleetLayout.VmName(vm);
        Assert.True(g.Sample(vm).CpuUtil > 90);
        g.Control.Apply(Command(ActionKind.Throttle, name, NodeKind.Vm, false, ("cpu_cap_percent", "50")));
        Assert.Equal(50, g.Sample(vm).CpuUtil);
        Assert.Same(fault, g.FaultOf(vm)); // capped, not cured
        g.Control.Apply(Command(ActionKind.Throttle, name, NodeKind.Vm, undo: true));
        Assert.True(g.Sample(vm).CpuUtil > 90);
    }

    [Fact]
    public void An_unknown_target_is_refused_and_changes_nothing()
    {
        var g = Generator(FaultKind.MemoryLeak);
        g.Advance(0);
        var effect = g.Control.Apply(Command(ActionKind.DrainHost, "no-such-host", NodeKind.Host));
        Assert.NotNull(effect.Refused);
        Assert.Empty(effect.Moved);
    }
}
