using NovaOps.Contracts;

namespace NovaOps.Simulator.Fleet;

/// <summary>
/// Who is where: regions → zones → hosts → VMs, VMs grouped into services and tenants.
/// Per VM only a few ints are kept (host, service, tenant) and names are derived on demand,
/// so a million VMs take a few tens of megabytes.
/// </summary>
public sealed class FleetLayout
{
    private readonly int[] _vmHost;
    private readonly int[] _vmService;
    private readonly int[] _hostZone;
    private readonly string[] _zoneNames;
    private readonly int[] _zoneRegion;
    private readonly string[] _hostNames;
    private readonly int[][] _callees, _callers;

    public SimulatorOptions Options { get; }
    public int VmCount => _vmHost.Length;
    public int HostCount => _hostZone.Length;
    public int ZoneCount => _zoneNames.Length;
    public int ServiceCount { get; }
    public int TenantCount { get; }

    public FleetLayout(SimulatorOptions options)
    {
        options.Validate();
        Options = options;
        int vms = options.Vms;
        int hosts = (vms + options.VmsPerHost - 1) / options.VmsPerHost;
        int zones = options.Regions.Count * options.ZonesPerRegion;
        ServiceCount = Math.Max(1, vms / options.VmsPerService);
        TenantCount = Math.Max(1, vms / options.VmsPerTenant);

        _zoneNames = new string[zones];
        _zoneRegion = new int[zones];
        for (int z = 0; z < zones; z++)
        {
            _zoneRegion[z] = z / options.ZonesPerRegion;
            _zoneNames[z] = $"{options.Regions[_zoneRegion[z]]}-{(char)('a' + z % options.ZonesPerRegion)}";
        }

        _hostZone = new int[hosts];
        _hostNames = new string[hosts];
        for (int h = 0; h < hosts; h++)
        {
            _hostZone[h] = h % zones;
            _hostNames[h] = $"{_zoneNames[_hostZone[h]]}-h{h:D6}";
        }

        (_callees, _callers) = CallGraph(ServiceCount, (ulong)options.Seed);

        _vmHost = new int[vms];
        _vmService = new int[vms];
        for (int v = 0; v < vms; v++)
        {
            _vmHost[v] = v / options.VmsPerHost;
            // Spread a service's VMs over hosts (i mod services), as schedulers do for availability.
            _vmService[v] = v % ServiceCount;
        }
    }

    public static string VmName(int vm) => $"vm-{vm:D7}";
    public static string ServiceName(int service) => $"svc-{service:D5}";

    /// <summary>0: front end, 1: back end, 2: data (service i is in tier i mod 3; one tier when there are fewer than 3 services).</summary>
    public int ServiceTierOf(int service) => ServiceCount < 3 ? 0 : service % 3;

    /// <summary>The services this one calls (the next tier down).</summary>
    public IReadOnlyList<int> CalleesOf(int service) => _callees[service];

    /// <summary>The services that call this one.</summary>
    public IReadOnlyList<int> CallersOf(int service) => _callers[service];

    public IEnumerable<int> VmsOfService(int service)
    {
        for (int v = service; v < VmCount; v += ServiceCount) yield return v;
    }

    /// <summary>
    /// Front ends call two back ends, back ends call two data services, picked from the seed: a three-tier
    /// call graph without cycles, so a fault can climb at most two calls.
    /// </summary>
    private static (int[][] Callees, int[][] Callers) CallGraph(int services, ulong seed)
    {
        var callees = new int[services][];
        var callers = Enumerable.Range(0, services).Select(_ => new List<int>()).ToArray();
        for (int s = 0; s < services; s++)
        {
            int tier = services < 3 ? 0 : s % 3;
            int below = tier + 1;
            int candidates = below > 2 || services < 3 ? 0 : (services - below + 2) / 3; // services b with b % 3 == below
            if (candidates == 0) { callees[s] = []; continue; }
            int first = (int)(DeterministicRandom.Hash(seed, 14, (ulong)s, 0) % (ulong)candidates);
            int second = candidates < 2 ? first : (first + 1 + (int)(DeterministicRandom.Hash(seed, 14, (ulong)s, 1) % (ulong)(candidates - 1))) % candidates;
            callees[s] = [.. new[] { first, second }.Distinct().Select(i => below + 3 * i)];
            foreach (int c in callees[s]) callers[c].Add(s);
        }
        return (callees, [.. callers.Select(c => c.ToArray())]);
    }

    public int HostOf(int vm) => _vmHost[vm];
    public int ServiceOf(int vm) => _vmService[vm];
    public int TenantOf(int vm) => _vmService[vm] % TenantCount;
    public int ZoneOfHost(int host) => _hostZone[host];
    public int ZoneOf(int vm) => _hostZone[_vmHost[vm]];
    public string HostName(int host) => _hostNames[host];
    public string ZoneName(int zone) => _zoneNames[zone];
    public string RegionName(int zone) => Options.Regions[_zoneRegion[zone]];
    public static string TenantName(int tenant) => $"tenant-{tenant:D5}";

    public WorkloadProfile ProfileOf(int vm) =>
        WorkloadProfile.All[(int)(DeterministicRandom.Hash((ulong)Options.Seed, 11, (ulong)ServiceOf(vm), 0) % (ulong)WorkloadProfile.All.Count)];

    public TenantTier TierOf(int tenant)
    {
        double u = DeterministicRandom.Uniform((ulong)Options.Seed, 12, (ulong)tenant, 0);
        return u < 0.1 ? TenantTier.Platinum : u < 0.4 ? TenantTier.Gold : TenantTier.Silver;
    }

    public IEnumerable<int> VmsOnHost(int host)
    {
        int first = host * Options.VmsPerHost;
        for (int v = first; v < Math.Min(VmCount, first + Options.VmsPerHost); v++) yield return v;
    }

    public IEnumerable<int> VmsInZone(int zone)
    {
        for (int h = 0; h < HostCount; h++)
            if (_hostZone[h] == zone)
                foreach (int v in VmsOnHost(h)) yield return v;
    }
}
