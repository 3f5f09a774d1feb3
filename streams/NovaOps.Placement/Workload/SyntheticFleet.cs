using NovaOps.Contracts;

namespace NovaOps.Placement.Workload;

/// <summary>
/// A seeded fleet and VM requests for the placement and failover benchmarks and tests: 3 regions × 3 zones, racks
/// of 20 hosts (fault domains), hosts of 64 vCPU / 256 GB / 4 TB, 5% of them PCI-tagged; VMs from a cloud-like
/// catalogue (1–16 vCPU, 2–4 GB per vCPU, odd sizes among them), pinned to a region, some to a zone, some in anti-affinity groups of 3
/// spread over racks, a few needing PCI.
/// </summary>
public static class SyntheticFleet
{
    public static readonly string[] Regions = ["eu-west", "eu-north", "us-east"];
    public const int ZonesPerRegion = 3, HostsPerRack = 20, HostVCpu = 64, HostMemoryGb = 256, HostDiskGb = 4000;

    private static readonly (int VCpu, int MemoryGb, int DiskGb, double Weight)[] Catalogue =
    [
        (1, 2, 20, 0.08), (2, 4, 50, 0.20), (2, 8, 50, 0.15), (3, 12, 80, 0.05), (4, 8, 100, 0.17), (4, 16, 100, 0.12),
        (6, 24, 150, 0.06), (8, 32, 200, 0.09), (12, 48, 300, 0.04), (16, 64, 400, 0.04),
    ];

    public static string ZoneName(int region, int zone) => $"{Regions[region]}-{(char)('a' + zone)}";

    public static List<HostSpec> Hosts(int count, int regions = 3)
    {
        var hosts = new List<HostSpec>(count);
        int zones = regions * ZonesPerRegion;
        for (int i = 0; i < count; i++)
        {
            int z = i % zones, region = z / ZonesPerRegion, inZone = i / zones;
            bool pci = i % 20 == 7;
            hosts.Add(new HostSpec($"h{i:D6}", Regions[region], ZoneName(region, z % ZonesPerRegion), $"rack-{inZone / HostsPerRack}",
                HostVCpu, HostMemoryGb, HostDiskGb, pci ? ["pci"] : null));
        }
        return hosts;
    }

    public static IEnumerable<VmRequest> Requests(int count, int seed, int regions = 3, double zonePinned = 0.1, double grouped = 0.2, double pci = 0.02)
    {
        var rng = new Random(seed);
        double total = Catalogue.Sum(c => c.Weight);
        for (int i = 0; i < count; i++)
        {
            double u = rng.NextDouble() * total;
            var shape = Catalogue[^1];
            foreach (var c in Catalogue) { if (u < c.Weight) { shape = c; break; } u -= c.Weight; }
            int region = rng.Next(regions);
            string? zone = rng.NextDouble() < zonePinned ? ZoneName(region, rng.Next(ZonesPerRegion)) : null;
            // Groups of three consecutive requests: the replicas of one service.
            string? group = rng.NextDouble() < grouped ? $"svc-{i / 3}" : null;
            var tier = (TenantTier)(1 + rng.Next(3));
            yield return new VmRequest($"vm-{i:D7}", $"tenant-{rng.Next(5000)}", tier, shape.VCpu, shape.MemoryGb, shape.DiskGb,
                Regions[region], zone, group, rng.NextDouble() < pci ? ["pci"] : null, SpreadFaultDomains: group is not null);
        }
    }

    /// <summary>The fewest hosts of <paramref name="hosts"/>' size that could hold these VMs if VMs were divisible (per resource, the most demanding).</summary>
    public static int LowerBound(IEnumerable<VmRequest> placed)
    {
        long cpu = 0, mem = 0, disk = 0;
        foreach (var r in placed) { cpu += r.VCpu; mem += r.MemoryGb; disk += r.DiskGb; }
        return (int)Math.Max(Math.Max(Ceil(cpu, HostVCpu), Ceil(mem, HostMemoryGb)), Ceil(disk, HostDiskGb));
    }

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
