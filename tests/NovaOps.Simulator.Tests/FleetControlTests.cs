using NovaOps.Contracts;
using NovaOps.Simulator.Control;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Simulator.Tests;

/// <summary>The simulated fleet's control plane: actions change the metrics as the real ones would.</summary>
public class FleetControlTests
{
    private static TelemetryGenerator Generator(FaultKind kind, int seed = 3, ActionCostOptions? costs = null)
    {
        var fleet = new FleetLayout(new SimulatorOptions
        {
            Seed = seed, Vms = 400, FaultsPerHour = 4, FaultMix = new Dictionary<FaultKind, double> { [kind] = 1 },
            ActionCosts = costs ?? new ActionCostOptions { FailureRate = 0 },
        });
        return new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, 2000));
    }

    /// <summary>Moves the clock tick by tick from <paramref name="from"/> until no action is pending; what they did, and the tick it was all over.</summary>
    private static (List<ActionCompletion> Done, long Tick) RunActions(TelemetryGenerator g, long from)
    {
        var done = new List<ActionCompletion>();
        long t = from;
        while (g.Control.PendingCount > 0)
        {
            g.Advance(++t);
            done.AddRange(g.Control.Complete());
        }
        return (done, t);
    }

    private static FleetCommand Command(ActionKind kind, string target, NodeKind targetKind, bool undo = false, params (string, string)[] parameters)
    {
        var c = new FleetCommand { SchemaVersion = SchemaVersions.FleetCommand, ActionId = $"test/{kind}", Kind = kind, Target = target, TargetKind = targetKind, Undo = undo };
        foreach (var (k, v) in parameters) c.Parameters[k] = v;
        return c;
    }

    [Fact]
    public void Restarting_a_leaking_vm_takes_it_down_until_it_has_booted_then_the_leak_is_gone()
    {
        var g = Generator(FaultKind.MemoryLeak);
        var twin = Generator(FaultKind.MemoryLeak); // the same fleet left alone
        var leak = g.Plan.Faults[0];
        int vm = leak.AffectedVms[0];
        for (long t = 0; t <= leak.OnsetTick; t++) { g.Advance(t); twin.Advance(t); }
        Assert.Same(leak, g.FaultOf(vm));
        Assert.Equal(ServiceState.Degraded, g.StateOf(vm));

        var started = g.Control.Apply(Command(ActionKind.RestartVm, FleetLayout.VmName(vm), NodeKind.Vm));
        Assert.Empty(started.Resolved); // nothing is over yet: the VM boots
        Assert.Equal(ServiceState.Down, g.StateOf(vm));
        Assert.False(g.Control.DownAt(vm, leak.OnsetTick).Harmful); // it had a fault to cure

        var (done, back) = RunActions(g, leak.OnsetTick);
        double downSeconds = (back - leak.OnsetTick) * g.Fleet.Options.SampleInterval.TotalSeconds;
        Assert.InRange(downSeconds, 30, 120 + 10); // the drawn boot time, rounded up to whole ticks
        Assert.Equal([leak.Id], done.Single().Effect.Resolved.Select(f => f.Id));
        Assert.Equal(back, done.Single().Tick); // resolved when the VM is back, not when the command came
        Assert.Null(g.FaultOf(vm));
        Assert.Equal(ServiceState.Up, g.StateOf(vm));
        for (long t = leak.OnsetTick + 1; t <= back; t++) twin.Advance(t);
        Assert.True(twin.Sample(vm).MemUtil - g.Sample(vm).MemUtil > 20, $"restarted {g.Sample(vm).MemUtil}, left alone {twin.Sample(vm).MemUtil}");

        // The fault is over: reaching its planned end later changes nothing.
        for (long t = back + 1; t <= leak.EndTick + 1; t++) g.Advance(t);
        Assert.Null(g.FaultOf(vm));
    }

    [Fact]
    public void Restarting_a_healthy_vm_costs_its_downtime_and_counts_as_harm()
    {
        var g = Generator(FaultKind.MemoryLeak);
        var ledger = new NovaOps.Simulator.Availability.AvailabilityLedger();
        g.Advance(0);
        int vm = Enumerable.Range(0, g.Fleet.VmCount).First(v => g.Plan.Faults.All(f => !f.AffectedVms.Contains(v) && !f.Cascade.ContainsKey(v)));
        var tier = g.Fleet.TierOf(g.Fleet.TenantOf(vm));
        g.Control.Apply(Command(ActionKind.RestartVm, FleetLayout.VmName(vm), NodeKind.Vm));
        Assert.Equal((true, true), g.Control.DownAt(vm, 0));

        long t = 0;
        while (g.Control.PendingCount > 0)
        {
            ledger.Add(tier, g.StateOf(vm), 10, g.Control.DownAt(vm, t).Harmful);
            g.Advance(++t);
            g.Control.Complete();
        }
        ledger.Add(tier, g.StateOf(vm), 10, g.Control.DownAt(vm, t).Harmful);

        Assert.InRange(ledger.HarmSeconds, 30, 130);
        Assert.Equal(ledger.HarmSeconds, ledger.Tiers[tier].Down);
        Assert.Equal(10, ledger.Tiers[tier].Total - ledger.Tiers[tier].Down); // up again at the last tick
        Assert.True(ledger.Availability(tier) < 1);
    }

    [Fact]
    public void A_failed_action_costs_what_it_costs_and_cures_nothing()
    {
        var g = Generator(FaultKind.MemoryLeak, costs: new ActionCostOptions { FailureRate = 1 });
        var leak = g.Plan.Faults[0];
        int vm = leak.AffectedVms[0];
        for (long t = 0; t <= leak.OnsetTick; t++) g.Advance(t);
        g.Control.Apply(Command(ActionKind.RestartVm, FleetLayout.VmName(vm), NodeKind.Vm));
        Assert.Equal(ServiceState.Down, g.StateOf(vm));

        var (done, _) = RunActions(g, leak.OnsetTick);
        Assert.True(done.Single().Effect.Failed);
        Assert.Empty(done.Single().Effect.Resolved);
        Assert.Same(leak, g.FaultOf(vm)); // the executor's check sees no recovery: it rolls back, tries the next step or pages
    }

    [Fact]
    public void A_restart_does_not_cure_what_a_restart_cannot()
    {
        var g = Generator(FaultKind.DiskFilling);
        var fault = g.Plan.Faults[0];
        int vm = fault.AffectedVms[0];
        for (long t = 0; t <= fault.OnsetTick; t++) g.Advance(t);
        g.Control.Apply(Command(ActionKind.RestartVm, FleetLayout.VmName(vm), NodeKind.Vm));
        var (restarted, at) = RunActions(g, fault.OnsetTick);
        Assert.Empty(restarted.Single().Effect.Resolved);
        Assert.Same(fault, g.FaultOf(vm));

        g.Control.Apply(Command(ActionKind.ResizeVm, FleetLayout.VmName(vm), NodeKind.Vm, false, ("disk_grow_percent", "100")));
        Assert.Same(fault, g.FaultOf(vm)); // the new size is not usable yet
        var (grown, _) = RunActions(g, at);
        Assert.Equal([fault.Id], grown.Single().Effect.Resolved.Select(f => f.Id));
    }

    [Fact]
    public void Draining_a_failing_host_moves_its_vms_one_migration_after_another_and_ends_the_fault()
    {
        // Small VMs, so that the drain is over well before the host's fault would end on its own.
        var g = Generator(FaultKind.HostFailure, costs: new ActionCostOptions { FailureRate = 0, VmMemoryMinGiB = 4, VmMemoryMaxGiB = 4 });
        var fault = g.Plan.Faults[0];
        string host = g.Fleet.HostName(fault.Target);
        for (long t = 0; t <= fault.OnsetTick; t++) g.Advance(t);
        Assert.All(fault.AffectedVms, vm => Assert.Equal(1, g.Sample(vm).ErrorRate)); // dead
        Assert.All(fault.AffectedVms, vm => Assert.Equal(ServiceState.Down, g.StateOf(vm)));

        Assert.Null(g.Control.Apply(Command(ActionKind.DrainHost, host, NodeKind.Host)).Refused);
        Assert.Equal(fault.AffectedVms.Count, g.Control.PendingCount); // one migration per VM
        var (done, _) = RunActions(g, fault.OnsetTick);
        Assert.True(done.Select(d => d.Tick).Distinct().Count() > 1); // two at a time, not all at once
        Assert.Equal([fault.Id], done.SelectMany(d => d.Effect.Resolved).Select(f => f.Id)); // ended by the last move, once
        Assert.Equal(fault.AffectedVms.Order(), done.SelectMany(d => d.Effect.Moved).Order());
        var stuns = g.Control.TakeStuns();
        Assert.Equal(fault.AffectedVms.Count, stuns.Count);
        Assert.All(stuns, s => Assert.InRange(s.Seconds, 0.1, 2));
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
        var g = Generator(FaultKind.HostFailure, costs: new ActionCostOptions { FailureRate = 0, VmMemoryMinGiB = 4, VmMemoryMaxGiB = 4 });
        var fault = g.Plan.Faults[0];
        for (long t = 0; t <= fault.OnsetTick; t++) g.Advance(t);
        // The failover planner's destinations: another host of the region, one per VM.
        var targets = fault.AffectedVms.ToDictionary(vm => vm, vm => g.Fleet.HostName((fault.Target + 1 + vm % 3) % g.Fleet.HostCount));
        foreach (var (vm, to) in targets)
            Assert.Null(g.Control.Apply(Command(ActionKind.LiveMigrate, FleetLayout.VmName(vm), NodeKind.Vm, parameters: ("to_host", to))).Refused);
        var (done, _) = RunActions(g, fault.OnsetTick);
        Assert.Equal([fault.Id], done.SelectMany(d => d.Effect.Resolved).Select(f => f.Id));
        Assert.All(targets, kv => Assert.Equal(kv.Value, g.Sample(kv.Key).Host));
        Assert.Equal("unknown host nowhere", g.Control.Apply(Command(ActionKind.LiveMigrate, FleetLayout.VmName(0), NodeKind.Vm, parameters: ("to_host", "nowhere"))).Refused);
    }

    [Fact]
    public void A_paged_person_ends_the_fault_after_acknowledging_and_fixing_it()
    {
        var costs = new ActionCostOptions { FailureRate = 0, HumanAcknowledgeSeconds = 300, HumanFixMinSeconds = 600, HumanFixMaxSeconds = 600 };
        var g = Generator(FaultKind.DiskFilling, costs: costs);
        var fault = g.Plan.Faults.First(f => (f.EndTick - f.OnsetTick) * 10 > 900 + 20); // longer than the person takes
        int vm = fault.AffectedVms[0];
        for (long t = 0; t <= fault.OnsetTick; t++) g.Advance(t);
        g.Control.Apply(Command(ActionKind.PageHuman, FleetLayout.VmName(vm), NodeKind.Vm));

        var (done, at) = RunActions(g, fault.OnsetTick);
        Assert.Equal(fault.OnsetTick + 90, at); // 5 min to acknowledge, 10 to fix, in 10 s ticks
        Assert.Equal([fault.Id], done.Single().Effect.Resolved.Select(f => f.Id));
        Assert.Null(g.FaultOf(vm));
        Assert.True(at < fault.EndTick);
    }

    [Fact]
    public void A_fault_no_action_touches_runs_its_natural_course()
    {
        var g = Generator(FaultKind.MemoryLeak);
        var leak = g.Plan.Faults[0];
        int vm = leak.AffectedVms[0];
        for (long t = 0; t < leak.EndTick; t++)
        {
            g.Advance(t);
            Assert.Equal(t >= leak.OnsetTick ? ServiceState.Degraded : ServiceState.Up, g.StateOf(vm));
        }
        g.Advance(leak.EndTick);
        Assert.Null(g.FaultOf(vm));
        Assert.Equal(ServiceState.Up, g.StateOf(vm));
    }

    [Fact]
    public void A_cpu_cap_holds_a_runaway_down_at_once_until_it_is_lifted()
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
        Assert.Equal(0, g.Control.PendingCount);
    }

    [Fact]
    public void Costs_are_drawn_within_their_bounds_and_the_same_for_the_same_seed_and_action()
    {
        var costs = new ActionCosts(new ActionCostOptions(), seed: 5);
        var again = new ActionCosts(new ActionCostOptions(), seed: 5);
        for (int vm = 0; vm < 200; vm++)
        {
            Assert.InRange(costs.RestartSeconds($"a{vm}", vm), 30, 120);
            Assert.InRange(costs.StunSeconds($"a{vm}", vm), 0.1, 2);
            // 4–64 GiB over 10 Gbit/s, with a third more for the dirtied pages: about 4.6 to 73 s of copy.
            Assert.InRange(costs.CopySeconds(vm), 4 * 8 / 10.0 / 0.7, 64 * 8 / 10.0 / 0.7);
            Assert.Equal(costs.RestartSeconds($"a{vm}", vm), again.RestartSeconds($"a{vm}", vm));
        }
        Assert.InRange(Enumerable.Range(0, 5000).Count(i => costs.Fails($"x{i}", i)), 50, 150); // about 2 %
        Assert.Throws<ArgumentException>(() => new ActionCostOptions { RestartMinSeconds = 10, RestartMaxSeconds = 5 }.Validate());
    }
}
