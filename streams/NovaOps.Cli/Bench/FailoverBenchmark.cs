using System.Diagnostics;
using System.Text.Json.Serialization;
using NovaOps.Contracts;
using NovaOps.Failover;
using NovaOps.Placement;
using NovaOps.Placement.Baseline;
using NovaOps.Placement.Workload;

namespace NovaOps.Cli.Bench;

public sealed record FailoverBenchResult(
    [property: JsonPropertyName("zone_vms")] int ZoneVms,
    [property: JsonPropertyName("hosts")] int Hosts,
    [property: JsonPropertyName("plan_ms")] double PlanMilliseconds,
    [property: JsonPropertyName("moves")] int Moves,
    [property: JsonPropertyName("unplaced")] int Unplaced,
    [property: JsonPropertyName("unplaced_by_reason")] IReadOnlyDictionary<string, int> UnplacedByReason,
    [property: JsonPropertyName("unplaced_platinum")] int UnplacedPlatinum,
    [property: JsonPropertyName("cross_region_moves")] int CrossRegionMoves,
    [property: JsonPropertyName("first_fit_ms")] double FirstFitMilliseconds,
    [property: JsonPropertyName("first_fit_unplaced")] int FirstFitUnplaced,
    [property: JsonPropertyName("first_fit_unplaced_platinum")] int FirstFitUnplacedPlatinum);

/// <summary>
/// A region of three zones (12,000 hosts each for 100k VMs a zone, scaled with --zone-vms), every zone holding
/// --zone-vms VMs; the first zone fails and the planner evacuates it into the two others. Baseline in the same
/// run: plain first fit of the same VMs, in arrival order, onto the same free capacity (no tiers, no
/// anti-affinity). The planner is warmed up on a small region first.
/// </summary>
public static class FailoverBenchmark
{
    public static FailoverBenchResult Run(int zoneVms, int seed, Action<string> status)
    {
        int hostsPerZone = Math.Max(4, (int)Math.Ceiling(zoneVms * 0.12));
        var hosts = SyntheticFleet.Hosts(hostsPerZone * SyntheticFleet.ZonesPerRegion, regions: 1);
        var engine = new PlacementEngine(hosts);
        status($"filling 3 zones with {zoneVms:N0} VMs each on {hosts.Count:N0} hosts");
        int z = 0;
        foreach (var r in SyntheticFleet.Requests(zoneVms * SyntheticFleet.ZonesPerRegion, seed, regions: 1, zonePinned: 0))
        {
            var pinned = r with { Zone = SyntheticFleet.ZoneName(0, z++ % SyntheticFleet.ZonesPerRegion), AntiAffinityGroup = r.AntiAffinityGroup is null ? null : $"{r.AntiAffinityGroup}-{z % 3}" };
            if (!engine.Place(pinned).Placed) throw new InvalidOperationException($"the benchmark fleet is too small: {pinned.VmId} found no host");
        }
        string failing = SyntheticFleet.ZoneName(0, 0);
        var failingHosts = engine.HostsIn(failing).Select(h => h.Id).ToHashSet();
        var evacuees = engine.VmsOn(failingHosts).Select(v => v.Request).ToList();
        // The baseline's hosts: the other zones' hosts as they are now (free capacity only).
        var remaining = engine.Hosts.Where(h => h.Zone != failing).Select(h =>
        {
            var (cpu, mem, disk) = engine.Free(h.Id);
            return h with { VCpu = Math.Max(1, cpu), MemoryGb = Math.Max(1, mem), DiskGb = Math.Max(0, disk) };
        }).ToList();

        // A running planner has planned before: compile its code on a small region first, so the figure is the
        // planning, not the JIT's first pass (a cold first plan in a fresh process took about twice as long).
        status("warming up on a small region");
        var small = new PlacementEngine(SyntheticFleet.Hosts(900, regions: 1));
        int s = 0;
        foreach (var r in SyntheticFleet.Requests(6_000, seed + 1, regions: 1, zonePinned: 0)) small.Place(r with { Zone = SyntheticFleet.ZoneName(0, s++ % 3) });
        FailoverPlanner.EvacuateZone(small, failing);
        // In a running service the planner's code is optimised; the runtime does that in the background some 100 ms
        // after code gets hot, so give it the time before the plan is timed.
        Thread.Sleep(1000);

        status($"evacuating {failing}: {evacuees.Count:N0} VMs");
        GC.Collect();
        var plan = FailoverPlanner.EvacuateZone(engine, failing);

        var firstFit = new FirstFitPlacer(remaining);
        var clock = Stopwatch.StartNew();
        var ffUnplaced = evacuees.Where(r => !firstFit.Place(r with { Zone = null })).ToList();
        double ffMs = clock.Elapsed.TotalMilliseconds;

        return new FailoverBenchResult(evacuees.Count, hosts.Count, Math.Round(plan.PlanTime.TotalMilliseconds, 1), plan.Moves.Count, plan.Unplaced.Count,
            plan.Unplaced.GroupBy(u => u.Reason).ToDictionary(g => g.Key, g => g.Count()), plan.Unplaced.Count(u => u.Tier == TenantTier.Platinum),
            plan.CrossRegionMoves, Math.Round(ffMs, 1), ffUnplaced.Count, ffUnplaced.Count(r => r.Tier == TenantTier.Platinum));
    }
}
