using NovaOps.Contracts;
using NovaOps.Failover;
using NovaOps.Placement;
using NovaOps.Placement.Availability;

namespace NovaOps.Streams.Placement;

/// <summary>What a failover request changed: the plan, the hosts taken out of placement, and the VMs moved.</summary>
internal sealed record FailoverOutcome(EvacuationPlanRecord Plan, IReadOnlyList<HostSpec> Cordoned, IReadOnlyList<(VmRequest Request, PlannedMove Move)> Moved);

/// <summary>
/// Turns failover requests (a drain or an evacuation the remediation executor carries out, or an operator's) into
/// evacuation plans on the placement service's engine: the failing hosts go into maintenance (so nothing new lands
/// there, also after a restart), the planner moves their VMs in the engine, and the plan goes out for the executor to
/// carry out. Each request is planned once (its id is the plan's). A dry run plans, then puts everything back.
/// </summary>
internal sealed class FailoverPlanning(PlacementEngine engine, HostAvailability availability)
{
    private readonly HashSet<string> _planned = new(StringComparer.Ordinal);

    /// <summary>A plan published before (replayed at start): its request is not planned again.</summary>
    public void Remember(string planId) => _planned.Add(planId);

    /// <summary>The outcome of a request, or null when it was planned before (a redelivery).</summary>
    public FailoverOutcome? Plan(FailoverRequest request, long nowMs)
    {
        if (string.IsNullOrEmpty(request.RequestId)) throw new InvalidDataException("a failover request without a request id");
        if (string.IsNullOrEmpty(request.Target)) throw new InvalidDataException($"failover request {request.RequestId} names no host or zone");
        if (request.Scope is not (NodeKind.Host or NodeKind.Zone)) throw new InvalidDataException($"failover request {request.RequestId}: the scope must be a host or a zone, not {request.Scope}");
        if (!_planned.Add(request.RequestId)) return null;

        string scope = $"{(request.Scope == NodeKind.Host ? "host" : "zone")} {request.Target}";
        List<string> hosts = request.Scope == NodeKind.Host
            ? (engine.ZoneOfHost(request.Target) is null ? [] : [request.Target])
            : [.. engine.HostsIn(request.Target).Select(h => h.Id)];
        if (hosts.Count == 0) return new FailoverOutcome(EvacuationPlanRecords.Refused(request.RequestId, scope, $"unknown {scope}", nowMs), [], []);

        var wasInMaintenance = hosts.ToDictionary(h => h, h => availability.InMaintenance.Contains(h));
        foreach (var h in hosts) availability.SetMaintenance(h, true);
        var plan = FailoverPlanner.Evacuate(engine, scope, hosts);
        var record = EvacuationPlanRecords.ToRecord(plan, request.RequestId, nowMs);
        record.DryRun = request.DryRun;
        var moved = record.Moves.Select(m => (engine.RequestOf(m.VmId)!, m)).ToList();
        if (request.DryRun)
        {
            // Back as it was: each VM on its old host, the hosts' maintenance as before.
            foreach (var (vm, move) in Enumerable.Reverse(moved))
            {
                engine.Release(move.VmId);
                engine.Adopt(vm, move.FromHost);
            }
            foreach (var (h, was) in wasInMaintenance) availability.SetMaintenance(h, was);
            return new FailoverOutcome(record, [], []);
        }
        var cordoned = engine.Hosts.Where(h => wasInMaintenance.TryGetValue(h.Id, out bool was) && !was).ToList();
        return new FailoverOutcome(record, cordoned, moved);
    }
}
