using NovaOps.Contracts;

namespace NovaOps.Failover;

/// <summary>One VM's move in an evacuation. A struct: a zone's plan holds 100,000 of them, and as objects they were
/// garbage the collector copied during planning (a third of the plan time in bench failover).</summary>
public readonly record struct Move(string VmId, TenantTier Tier, string FromHost, string ToHost, string ToZone, bool CrossRegion);

/// <summary>A VM the plan found no place for, and why.</summary>
public sealed record Unplaced(string VmId, TenantTier Tier, string Reason);

/// <summary>What an evacuation does: moves, VMs left without a place, and how long planning took.</summary>
public sealed record EvacuationPlan(string Scope, IReadOnlyList<string> FailingHosts, IReadOnlyList<Move> Moves, IReadOnlyList<Unplaced> Unplaced, TimeSpan PlanTime)
{
    public int CrossRegionMoves => Moves.Count(m => m.CrossRegion);
}
