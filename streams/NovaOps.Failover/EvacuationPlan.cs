using NovaOps.Contracts;

namespace NovaOps.Failover;

/// <summary>One VM's move in an evacuation.</summary>
public sealed record Move(string VmId, TenantTier Tier, string FromHost, string ToHost, string ToZone, bool CrossRegion);

/// <summary>A VM the plan found no place for, and why.</summary>
public sealed record Unplaced(string VmId, TenantTier Tier, string Reason);

/// <summary>What an evacuation does: moves, VMs left without a place, and how long planning took.</summary>
public sealed record EvacuationPlan(string Scope, IReadOnlyList<string> FailingHosts, IReadOnlyList<Move> Moves, IReadOnlyList<Unplaced> Unplaced, TimeSpan PlanTime)
{
    public int CrossRegionMoves => Moves.Count(m => m.CrossRegion);
}
