using System.Diagnostics;
using NovaOps.Contracts;
using NovaOps.Placement;

namespace NovaOps.Failover;

/// <summary>
/// Plans the evacuation of a failing host or zone on the placement engine: the failing hosts take no new VMs;
/// their VMs are placed again in priority order (platinum, gold, silver) with all their constraints (capacity, anti-affinity, tags, tier), first in their own region (a
/// VM pinned to the failing zone may go to the region's other zones) and only then, for VMs not pinned to a
/// region, elsewhere: cross-region moves are the last resort. The engine is changed as the plan says (the moves
/// are made in it; a VM left unplaced stays on its failing host); give it a copy for a what-if.
/// </summary>
public static class FailoverPlanner
{
    public static EvacuationPlan EvacuateZone(PlacementEngine engine, string zone) =>
        Evacuate(engine, $"zone {zone}", [.. engine.HostsIn(zone).Select(h => h.Id)]);

    public static EvacuationPlan EvacuateHost(PlacementEngine engine, string host) => Evacuate(engine, $"host {host}", [host]);

    public static EvacuationPlan Evacuate(PlacementEngine engine, string scope, IReadOnlyList<string> failingHosts)
    {
        var clock = Stopwatch.StartNew();
        var failing = failingHosts.ToHashSet(StringComparer.Ordinal);
        foreach (var h in failing) engine.SetAvailable(h, false);
        var vms = engine.VmsOn(failing);
        // Priority order: tier, then as they were placed (largest first packed no better here and cost twice the
        // time: a big VM's tightest fit is further away). A counting sort: four ranks, one pass.
        var order = ByRank(vms);

        var moves = new List<Move>(vms.Count);
        var unplaced = new List<Unplaced>();
        foreach (int index in order)
        {
            var vm = vms[index];
            // Same region first; the failing zone's pin is relaxed to its region.
            var decision = engine.Relocate(vm, zone: null, region: vm.Region ?? vm.HostRegion);
            bool cross = false;
            if (!decision.Placed && vm.Region is null)
            {
                decision = engine.Relocate(vm, zone: null, region: null);
                cross = decision.Placed;
            }
            if (decision.Placed) moves.Add(new Move(vm.VmId, vm.Tier, vm.Host, decision.Host!, decision.Zone!, cross));
            else unplaced.Add(new Unplaced(vm.VmId, vm.Tier, vm.Region is null
                ? $"no healthy host anywhere: {decision.Reason}"
                : $"no healthy host in {vm.Region} (pinned to the region): {decision.Reason}"));
        }
        return new EvacuationPlan(scope, [.. failing], moves, unplaced, clock.Elapsed);
    }

    /// <summary>Indexes of <paramref name="vms"/> by rank, stable within a rank.</summary>
    private static int[] ByRank(List<PlacedVm> vms)
    {
        Span<int> starts = stackalloc int[5];
        foreach (var vm in vms) starts[Rank(vm.Tier) + 1]++;
        for (int r = 1; r < starts.Length; r++) starts[r] += starts[r - 1];
        var order = new int[vms.Count];
        for (int i = 0; i < vms.Count; i++) order[starts[Rank(vms[i].Tier)]++] = i;
        return order;
    }

    private static int Rank(TenantTier tier) => tier switch
    {
        TenantTier.Platinum => 0,
        TenantTier.Gold => 1,
        TenantTier.Silver => 2,
        _ => 3,
    };
}
