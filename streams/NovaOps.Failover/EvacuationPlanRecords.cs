using NovaOps.Contracts;

namespace NovaOps.Failover;

/// <summary>An evacuation plan as the <c>failover-plans</c> topic carries it, and back.</summary>
public static class EvacuationPlanRecords
{
    public static EvacuationPlanRecord ToRecord(EvacuationPlan plan, string planId, long plannedAtMs)
    {
        var record = new EvacuationPlanRecord
        {
            SchemaVersion = SchemaVersions.Failover, PlanId = planId, Scope = plan.Scope, PlanMs = plan.PlanTime.TotalMilliseconds, PlannedAtMs = plannedAtMs,
        };
        record.FailingHosts.Add(plan.FailingHosts);
        foreach (var m in plan.Moves)
            record.Moves.Add(new PlannedMove { VmId = m.VmId, Tier = m.Tier, FromHost = m.FromHost, ToHost = m.ToHost, ToZone = m.ToZone, CrossRegion = m.CrossRegion });
        foreach (var u in plan.Unplaced) record.Unplaced.Add(new UnplacedVm { VmId = u.VmId, Tier = u.Tier, Reason = u.Reason });
        return record;
    }

    /// <summary>A refusal: no plan for this request, and why.</summary>
    public static EvacuationPlanRecord Refused(string planId, string scope, string why, long atMs) =>
        new() { SchemaVersion = SchemaVersions.Failover, PlanId = planId, Scope = scope, Refused = why, PlannedAtMs = atMs };

    public static EvacuationPlan FromRecord(EvacuationPlanRecord r) => new(r.Scope, [.. r.FailingHosts],
        [.. r.Moves.Select(m => new Move(m.VmId, m.Tier, m.FromHost, m.ToHost, m.ToZone, m.CrossRegion))],
        [.. r.Unplaced.Select(u => new Unplaced(u.VmId, u.Tier, u.Reason))], TimeSpan.FromMilliseconds(r.PlanMs));
}
