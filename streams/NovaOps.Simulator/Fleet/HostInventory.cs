using NovaOps.Contracts;

namespace NovaOps.Simulator.Fleet;

/// <summary>
/// The simulated fleet as a placement service sees it: every host with its capacity (<c>hosts</c> topic) and every VM
/// with its size on the host it runs on (inventory imports on <c>placement-requests</c>: requests with a host). Hosts
/// have 64 vCPU / 256 GB / 4 TB in racks of 8; VMs take 1, 2, 2 or 4 vCPU with 4 GB per vCPU, so a host of 16 VMs
/// is a bit over half full and a failing host's or zone's VMs fit on the rest of its region.
/// </summary>
public static class HostInventory
{
    public const int HostVCpu = 64, HostMemoryGb = 256, HostDiskGb = 4000, HostsPerRack = 8;
    private static readonly int[] VCpuShapes = [1, 2, 2, 4];

    public static IEnumerable<HostRecord> Hosts(FleetLayout fleet)
    {
        for (int h = 0; h < fleet.HostCount; h++)
        {
            int zone = fleet.ZoneOfHost(h);
            yield return new HostRecord
            {
                SchemaVersion = SchemaVersions.Host, Host = fleet.HostName(h), Region = fleet.RegionName(zone), Zone = fleet.ZoneName(zone),
                FaultDomain = $"rack-{h / fleet.ZoneCount / HostsPerRack}", Vcpu = HostVCpu, MemoryGb = HostMemoryGb, DiskGb = HostDiskGb,
            };
        }
    }

    /// <summary>Each VM where it runs now (after moves, <paramref name="hostOf"/>), pinned to its region.</summary>
    public static IEnumerable<PlacementRequest> Vms(FleetLayout fleet, Func<int, int> hostOf)
    {
        for (int vm = 0; vm < fleet.VmCount; vm++)
        {
            int host = hostOf(vm), tenant = fleet.TenantOf(vm), vcpu = VCpuShapes[vm % VCpuShapes.Length];
            yield return new PlacementRequest
            {
                SchemaVersion = SchemaVersions.Placement, RequestId = $"inventory:{FleetLayout.VmName(vm)}", VmId = FleetLayout.VmName(vm),
                TenantId = FleetLayout.TenantName(tenant), TenantTier = fleet.TierOf(tenant), Vcpu = vcpu, MemoryGb = 4 * vcpu, DiskGb = 50,
                Region = fleet.RegionName(fleet.ZoneOfHost(host)), Host = fleet.HostName(host),
            };
        }
    }
}
