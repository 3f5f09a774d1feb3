using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Simulator;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Simulator.Tests;

public class SimulatorTests
{
    private static TelemetryGenerator Generator(int seed, int vms = 200, long ticks = 1000, double faultsPerHour = 6)
    {
        var fleet = new FleetLayout(new SimulatorOptions { Seed = seed, Vms = vms, FaultsPerHour = faultsPerHour });
        return new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, ticks));
    }

    private static List<byte[]> Run(TelemetryGenerator g, long ticks)
    {
        var all = new List<byte[]>();
        for (long t = 0; t < ticks; t++)
        {
            g.Advance(t);
            for (int vm = 0; vm < g.Fleet.VmCount; vm++) all.Add(g.Sample(vm).ToByteArray());
        }
        return all;
    }

    [Fact]
    public void Same_seed_same_telemetry_other_seed_other_telemetry()
    {
        var a = Run(Generator(7), 400);
        var b = Run(Generator(7), 400);
        var c = Run(Generator(8), 400);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Samples_are_valid_telemetry()
    {
        var g = Generator(3);
        var codec = new TelemetryCodec(new TelemetryValidationOptions { MaxFutureSkew = TimeSpan.FromDays(365 * 100) }, TimeProvider.System);
        foreach (var bytes in Run(g, 300))
        {
            var r = codec.Decode(bytes);
            Assert.True(r.IsValid, r.Reason);
        }
    }

    [Fact]
    public void Faults_start_after_the_quiet_prefix_and_never_overlap_on_a_vm()
    {
        var g = Generator(11, vms: 300, ticks: 3000, faultsPerHour: 12);
        var faults = g.Plan.Faults;
        Assert.NotEmpty(faults);
        long prefix = (long)(g.Fleet.Options.FaultFreePrefix / g.Fleet.Options.SampleInterval);
        Assert.All(faults, f => Assert.True(f.PrecursorStartTick >= prefix && f.PrecursorStartTick <= f.OnsetTick && f.OnsetTick < f.EndTick));
        foreach (var vm in Enumerable.Range(0, 300))
        {
            var mine = faults.Where(f => f.AffectedVms.Contains(vm)).OrderBy(f => f.PrecursorStartTick).ToList();
            for (int i = 1; i < mine.Count; i++) Assert.True(mine[i].PrecursorStartTick >= mine[i - 1].EndTick);
        }
        Assert.Contains(faults, f => f.Kind == FaultKind.MemoryLeak);
        Assert.Contains(faults, f => f.Scope == FaultScope.Host);
    }

    [Fact]
    public void A_memory_leak_climbs_during_its_precursor_and_labels_carry_the_truth()
    {
        var fleet = new FleetLayout(new SimulatorOptions { Seed = 5, Vms = 400, FaultsPerHour = 12, FaultMix = new Dictionary<FaultKind, double> { [FaultKind.MemoryLeak] = 1 } });
        var g = new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, 3000));
        var leak = g.Plan.Faults.First();
        int vm = leak.AffectedVms.Single();
        var mem = new Dictionary<long, double>();
        for (long t = 0; t <= leak.OnsetTick + 5; t++)
        {
            foreach (var started in g.Advance(t))
            {
                var label = FaultPlan.ToLabel(started, fleet, g.TickToMs);
                Assert.Equal(FleetLayout.VmName(started.Target), label.RootCause);
                Assert.True(label.PrecursorStartMs < label.OnsetMs && label.OnsetMs < label.EndMs);
            }
            if (t == leak.PrecursorStartTick - 1 || t == leak.OnsetTick + 1) mem[t] = g.Sample(vm).MemUtil;
        }
        Assert.True(mem[leak.OnsetTick + 1] > 95, $"memory at onset {mem[leak.OnsetTick + 1]}");
        Assert.True(mem[leak.PrecursorStartTick - 1] < 95);
    }

    [Fact]
    public void A_million_vms_fit_in_a_small_footprint()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var fleet = new FleetLayout(new SimulatorOptions { Vms = 1_000_000 });
        var g = new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, 100));
        long bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(g);
        Assert.True(bytes < 64L << 20, $"{bytes / (1 << 20)} MiB for 1M VMs");
        Assert.Equal(1_000_000, fleet.VmCount);
    }

    [Fact]
    public void Services_spread_over_hosts_and_zones_hold_hosts()
    {
        var fleet = new FleetLayout(new SimulatorOptions { Vms = 160, VmsPerHost = 16, VmsPerService = 8 });
        Assert.Equal(10, fleet.HostCount);
        var hostsOfService0 = Enumerable.Range(0, 160).Where(v => fleet.ServiceOf(v) == 0).Select(fleet.HostOf).Distinct().Count();
        Assert.True(hostsOfService0 > 1);
        Assert.Equal(160, Enumerable.Range(0, fleet.ZoneCount).Sum(z => fleet.VmsInZone(z).Count()));
    }
}

public class SimulatorOptionsTests
{
    [Fact]
    public void A_run_ending_now_starts_on_a_whole_minute_and_never_ends_in_the_future()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_025_000); // 25 s past a minute
        foreach (var end in new[] { now, now.AddSeconds(17), now.AddSeconds(34) })
        {
            var options = new SimulatorOptions().EndingAt(end, ticks: 1200);
            Assert.Equal(0, options.Start.ToUnixTimeMilliseconds() % 60_000);
            var last = options.Start + options.SampleInterval * 1200;
            Assert.True(last <= end && last > end.AddMinutes(-1), $"last tick at {last}, end {end}");
        }
    }

    [Fact]
    public void Services_call_the_next_tier_down_without_cycles()
    {
        var fleet = new FleetLayout(new SimulatorOptions { Seed = 3, Vms = 1000 });
        Assert.Equal(125, fleet.ServiceCount);
        for (int s = 0; s < fleet.ServiceCount; s++)
        {
            int tier = fleet.ServiceTierOf(s);
            Assert.Equal(tier == 2 ? 0 : 2, fleet.CalleesOf(s).Count);
            Assert.All(fleet.CalleesOf(s), c => Assert.Equal(tier + 1, fleet.ServiceTierOf(c)));
            Assert.All(fleet.CalleesOf(s), c => Assert.Contains(s, fleet.CallersOf(c)));
            Assert.All(fleet.VmsOfService(s), v => Assert.Equal(s, fleet.ServiceOf(v)));
        }
        var topology = FleetTopology.Records(fleet, 0).ToList();
        var vm = topology.Single(r => r.Node == FleetLayout.VmName(0)); // service 0: a front end
        Assert.Equal([fleet.HostName(0), .. fleet.CalleesOf(0).Select(FleetLayout.ServiceName)], vm.DependsOn);
        Assert.Equal(8, topology.Single(r => r.Node == FleetLayout.ServiceName(7)).DependsOn.Count);
    }

    [Fact]
    public void A_sick_replica_slows_the_callers_of_its_service_and_the_label_names_them()
    {
        var options = new SimulatorOptions { Seed = 9, Vms = 600, FaultsPerHour = 10, FaultMix = new Dictionary<FaultKind, double> { [FaultKind.MemoryLeak] = 1 } };
        var fleet = new FleetLayout(options);
        var plan = FaultPlan.Generate(fleet, 2000);
        // A leak on a data-tier VM: callers one and two calls up are hurt.
        var leak = plan.Faults.First(f => fleet.ServiceTierOf(fleet.ServiceOf(f.Target)) == 2);
        var label = FaultPlan.ToLabel(leak, fleet, t => t);
        Assert.NotEmpty(label.SymptomVms);
        Assert.DoesNotContain(FleetLayout.VmName(leak.Target), label.SymptomVms);
        int caller = fleet.VmsOfService(fleet.CallersOf(fleet.ServiceOf(leak.Target))[0]).First();
        Assert.Contains(FleetLayout.VmName(caller), label.SymptomVms);

        var sick = new TelemetryGenerator(fleet, plan);
        var healthyFleet = new FleetLayout(options with { FaultsPerHour = 0 });
        var healthy = new TelemetryGenerator(healthyFleet, FaultPlan.Generate(healthyFleet, 2000));
        double Latency(TelemetryGenerator g, long tick) { g.Advance(tick); return g.Sample(caller).LatencyP99Ms; }
        long before = leak.OnsetTick - 2, after = leak.OnsetTick + 2;
        Assert.Equal(Latency(healthy, before), Latency(sick, before));             // nothing before onset
        Assert.True(Latency(sick, after) > 1.5 * Latency(healthy, after), "the caller is slower after onset");
    }
}
