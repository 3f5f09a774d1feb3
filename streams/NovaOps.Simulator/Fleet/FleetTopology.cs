using NovaOps.Contracts;

namespace NovaOps.Simulator.Fleet;

/// <summary>
/// The fleet's dependency graph as <c>topology</c> records: each VM depends on its host and on the services
/// its service calls, each host on its zone, each service on the VMs that serve it (a failed host takes its
/// VMs down; a degraded zone hurts everything in it; a slow replica slows the callers of its service).
/// Published before the first sample, so an RCA app that reads the compacted topic from the start knows
/// every node.
/// </summary>
public static class FleetTopology
{
    public static IEnumerable<TopologyRecord> Records(FleetLayout fleet, long updatedMs)
    {
        for (int z = 0; z < fleet.ZoneCount; z++)
            yield return Record(fleet.ZoneName(z), NodeKind.Zone, [], updatedMs);
        for (int h = 0; h < fleet.HostCount; h++)
            yield return Record(fleet.HostName(h), NodeKind.Host, [fleet.ZoneName(fleet.ZoneOfHost(h))], updatedMs);
        for (int s = 0; s < fleet.ServiceCount; s++)
            yield return Record(FleetLayout.ServiceName(s), NodeKind.Service, [.. fleet.VmsOfService(s).Select(FleetLayout.VmName)], updatedMs);
        for (int v = 0; v < fleet.VmCount; v++)
            yield return VmRecord(fleet, v, fleet.HostOf(v), updatedMs);
    }

    /// <summary>A VM's record on the host it runs on (after a move, a new one).</summary>
    public static TopologyRecord VmRecord(FleetLayout fleet, int vm, int host, long updatedMs) =>
        Record(FleetLayout.VmName(vm), NodeKind.Vm, [fleet.HostName(host), .. fleet.CalleesOf(fleet.ServiceOf(vm)).Select(FleetLayout.ServiceName)], updatedMs);

    private static TopologyRecord Record(string node, NodeKind kind, string[] dependsOn, long updatedMs)
    {
        var r = new TopologyRecord { SchemaVersion = SchemaVersions.Topology, Node = node, Kind = kind, UpdatedMs = updatedMs };
        r.DependsOn.Add(dependsOn);
        return r;
    }
}
