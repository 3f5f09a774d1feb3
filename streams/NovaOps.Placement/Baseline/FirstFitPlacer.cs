namespace NovaOps.Placement.Baseline;

/// <summary>
/// Plain first fit, the benchmark's baseline: each VM goes on the first host (in inventory order) of its zone or
/// region with room for it, capacity only. A segment tree of each zone's largest free vCPU and memory skips
/// full stretches of hosts, so the baseline is not slowed by a linear scan: the comparison is about packing.
/// </summary>
public sealed class FirstFitPlacer
{
    private readonly Dictionary<string, Zone> _zones = new(StringComparer.Ordinal);
    private readonly List<Zone> _zoneList = [];

    private sealed class Zone(string region, List<HostSpec> hosts)
    {
        public string Region { get; } = region;
        public List<HostSpec> Hosts { get; } = hosts;
        public int[] Cpu = [], Mem = [], Disk = [], Vms = [];
        public int[] TreeCpu = [], TreeMem = [];
        public int Size;
    }

    public FirstFitPlacer(IEnumerable<HostSpec> hosts)
    {
        foreach (var g in hosts.GroupBy(h => h.Zone))
        {
            var list = g.ToList();
            var z = new Zone(list[0].Region, list) { Size = 1 };
            while (z.Size < list.Count) z.Size <<= 1;
            z.Cpu = [.. list.Select(h => h.VCpu)]; z.Mem = [.. list.Select(h => h.MemoryGb)]; z.Disk = [.. list.Select(h => h.DiskGb)];
            z.Vms = new int[list.Count];
            z.TreeCpu = new int[2 * z.Size]; z.TreeMem = new int[2 * z.Size];
            for (int i = 0; i < list.Count; i++) Set(z, i);
            _zones[g.Key] = z;
            _zoneList.Add(z);
        }
    }

    public int HostsUsed => _zoneList.Sum(z => z.Vms.Count(n => n > 0));

    public bool Place(VmRequest r)
    {
        foreach (var z in _zoneList)
        {
            if (r.Zone is not null ? z.Hosts[0].Zone != r.Zone : r.Region is not null && z.Region != r.Region) continue;
            int h = First(z, r, 1);
            if (h < 0) continue;
            z.Cpu[h] -= r.VCpu; z.Mem[h] -= r.MemoryGb; z.Disk[h] -= r.DiskGb; z.Vms[h]++;
            Set(z, h);
            return true;
        }
        return false;
    }

    // Leftmost leaf under node whose host fits; the tree's maxima prune subtrees that cannot.
    private static int First(Zone z, VmRequest r, int node)
    {
        if (z.TreeCpu[node] < r.VCpu || z.TreeMem[node] < r.MemoryGb) return -1;
        if (node >= z.Size)
        {
            int h = node - z.Size;
            return h < z.Hosts.Count && z.Disk[h] >= r.DiskGb ? h : -1;
        }
        int left = First(z, r, 2 * node);
        return left >= 0 ? left : First(z, r, 2 * node + 1);
    }

    private static void Set(Zone z, int h)
    {
        int node = z.Size + h;
        z.TreeCpu[node] = z.Cpu[h]; z.TreeMem[node] = z.Mem[h];
        for (node >>= 1; node > 0; node >>= 1)
        {
            z.TreeCpu[node] = Math.Max(z.TreeCpu[2 * node], z.TreeCpu[2 * node + 1]);
            z.TreeMem[node] = Math.Max(z.TreeMem[2 * node], z.TreeMem[2 * node + 1]);
        }
    }
}
