using NovaOps.Contracts;
using NovaOps.Placement.Index;

namespace NovaOps.Placement;

/// <summary>
/// Places VMs on hosts. Hard constraints: capacity (vCPU, memory, disk), region or zone pinning, compliance tags,
/// tenant tier, anti-affinity groups (never two on a host; with spread, never two in a fault domain while the
/// zone has unused ones), and no new VMs on hosts in maintenance or predicted to fail. Among the hosts that fit,
/// the strategy picks (best fit, balanced, spread); among allowed zones, the one with the most free vCPU, so a
/// region's zones fill evenly. Hosts are indexed per zone and host class (same tags and tiers) by free capacity
/// (<see cref="CapacityIndex"/>). One caller at a time (the service's loop, a benchmark, a failover plan).
/// </summary>
public sealed class PlacementEngine
{
    private readonly PlacementOptions _options;
    private readonly List<HostSpec> _specs = [];
    private readonly Dictionary<string, int> _hostIds = new(StringComparer.Ordinal);
    private readonly List<int> _freeCpu = [], _freeMem = [], _freeDisk = [], _vmCount = [], _zoneOf = [], _domainOf = [], _classOf = [];
    private readonly List<bool> _available = [];
    private readonly Dictionary<string, int> _zoneIds = new(StringComparer.Ordinal), _domainIds = new(StringComparer.Ordinal), _tagIds = new(StringComparer.Ordinal);
    private readonly List<string> _zoneNames = [], _zoneRegion = [];
    private readonly List<long> _zoneFreeCpu = [];
    private readonly List<HashSet<int>> _zoneDomains = [];
    private readonly List<(ulong Tags, int Tiers)> _classes = [];
    private CapacityIndex?[] _indexes = new CapacityIndex?[64]; // by zone × 64 + host class (an array: read several times a decision)
    private readonly Dictionary<string, (int Host, VmRequest Request)> _placed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (HashSet<int> Hosts, Dictionary<int, int> Domains)> _groups = new(StringComparer.Ordinal);

    public PlacementEngine(IEnumerable<HostSpec> hosts, PlacementOptions? options = null)
    {
        _options = options ?? new PlacementOptions();
        foreach (var h in hosts) Upsert(h);
    }

    public PlacementOptions Options => _options;
    public int HostCount => _specs.Count;
    public int VmCount => _placed.Count;

    /// <summary>Hosts running at least one VM.</summary>
    public int HostsUsed => _vmCount.Count(n => n > 0);

    public IReadOnlyList<HostSpec> Hosts => _specs;

    /// <summary>Adds a host, or updates one (its capacity, tags, place); what runs on it stays.</summary>
    public void Upsert(HostSpec spec)
    {
        if (spec.VCpu <= 0 || spec.MemoryGb <= 0 || spec.DiskGb < 0) throw new ArgumentException($"host {spec.Id}: capacity must be positive");
        int zone = ZoneId(spec.Region, spec.Zone);
        if (!_domainIds.TryGetValue($"{spec.Zone}/{spec.FaultDomain}", out int domain)) _domainIds[$"{spec.Zone}/{spec.FaultDomain}"] = domain = _domainIds.Count;
        _zoneDomains[zone].Add(domain);
        int cls = ClassId(spec);
        if (_hostIds.TryGetValue(spec.Id, out int h))
        {
            Unindex(h);
            var old = _specs[h];
            if (_available[h]) _zoneFreeCpu[_zoneOf[h]] -= _freeCpu[h];
            _freeCpu[h] += spec.VCpu - old.VCpu;
            _freeMem[h] += spec.MemoryGb - old.MemoryGb;
            _freeDisk[h] += spec.DiskGb - old.DiskGb;
            _specs[h] = spec;
            _zoneOf[h] = zone; _domainOf[h] = domain; _classOf[h] = cls;
        }
        else
        {
            h = _specs.Count;
            _hostIds[spec.Id] = h;
            _specs.Add(spec);
            _freeCpu.Add(spec.VCpu); _freeMem.Add(spec.MemoryGb); _freeDisk.Add(spec.DiskGb); _vmCount.Add(0);
            _zoneOf.Add(zone); _domainOf.Add(domain); _classOf.Add(cls); _available.Add(true);
        }
        if (_available[h]) _zoneFreeCpu[zone] += Math.Max(0, _freeCpu[h]);
        Index(h);
    }

    /// <summary>Takes a host out of placement (maintenance, predicted failure) or puts it back; its VMs stay.</summary>
    public bool SetAvailable(string hostId, bool available)
    {
        if (!_hostIds.TryGetValue(hostId, out int h)) return false;
        if (_available[h] == available) return true;
        _available[h] = available;
        _zoneFreeCpu[_zoneOf[h]] += available ? _freeCpu[h] : -_freeCpu[h];
        if (available) Index(h); else Unindex(h);
        return true;
    }

    public bool IsAvailable(string hostId) => _hostIds.TryGetValue(hostId, out int h) && _available[h];

    public PlacementDecision Place(VmRequest r)
    {
        if (r.VCpu <= 0 || r.MemoryGb <= 0 || r.DiskGb < 0) return PlacementDecision.Rejected(r.VmId, "invalid size: vCPU and memory must be positive");
        if (_placed.ContainsKey(r.VmId)) return PlacementDecision.Rejected(r.VmId, "already placed");
        var (host, zone, reason) = Choose(r, r.Zone, r.Region);
        if (host < 0) return PlacementDecision.Rejected(r.VmId, reason!);
        Commit(r, host);
        return new PlacementDecision(r.VmId, _specs[host].Id, _zoneNames[zone], null);
    }

    /// <summary>
    /// Moves a placed VM to the best host within <paramref name="zone"/> or <paramref name="region"/> (the pins a
    /// failover allows it), freeing its old host; the VM stays where it is when nothing fits.
    /// </summary>
    public PlacementDecision Relocate(string vmId, string? zone, string? region)
    {
        ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_placed, vmId);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return PlacementDecision.Rejected(vmId, "not placed");
        var r = entry.Request;
        int from = entry.Host;
        var (host, z, reason) = Choose(r, zone, region);
        if (host < 0) return PlacementDecision.Rejected(vmId, reason!);
        Free(from, r);
        Take(host, r);
        entry = (host, r);
        return new PlacementDecision(vmId, _specs[host].Id, _zoneNames[z], null);
    }

    private (int Host, int Zone, string? Reason) Choose(VmRequest r, string? zonePin, string? regionPin)
    {
        ulong tags = 0;
        if (r.RequiredTags is { Count: > 0 })
            foreach (var t in r.RequiredTags)
            {
                if (!_tagIds.TryGetValue(t, out int bit)) return (-1, -1, $"no host has tag '{t}'");
                tags |= 1UL << bit;
            }
        int tierBit = TierBit(r.Tier);
        var group = r.AntiAffinityGroup is null ? default : _groups.GetValueOrDefault(r.AntiAffinityGroup);

        // The emptiest allowed zone first (zones fill evenly); the next only when nothing fits there.
        Span<int> zones = stackalloc int[_zoneNames.Count];
        int allowed = 0;
        for (int z = 0; z < _zoneNames.Count; z++)
            if (zonePin is not null ? _zoneNames[z] == zonePin : regionPin is null || _zoneRegion[z] == regionPin) zones[allowed++] = z;
        if (allowed == 0) return (-1, -1, zonePin is not null ? $"unknown zone {zonePin}" : $"unknown region {regionPin}");
        for (int tried = 0; tried < allowed; tried++)
        {
            int pick = tried;
            for (int k = tried + 1; k < allowed; k++) if (_zoneFreeCpu[zones[k]] > _zoneFreeCpu[zones[pick]]) pick = k;
            (zones[tried], zones[pick]) = (zones[pick], zones[tried]);
            int host = FindInZone(zones[tried], r, tags, tierBit, group);
            if (host >= 0) return (host, zones[tried], null);
        }
        return (-1, -1, "no host fits (capacity, tags, tier, anti-affinity, availability)");
    }

    /// <summary>Places a VM on a given host if it fits there (the failover planner's moves, an operator's choice).</summary>
    public PlacementDecision PlaceOn(VmRequest r, string hostId)
    {
        if (!_hostIds.TryGetValue(hostId, out int h)) return PlacementDecision.Rejected(r.VmId, $"unknown host {hostId}");
        ulong tags = 0;
        foreach (var t in r.RequiredTags ?? [])
            tags |= _tagIds.TryGetValue(t, out int bit) ? 1UL << bit : ulong.MaxValue;
        var group = r.AntiAffinityGroup is null ? default : _groups.GetValueOrDefault(r.AntiAffinityGroup);
        if (!_available[h] || !Fits(h, r, tags, TierBit(r.Tier), group)) return PlacementDecision.Rejected(r.VmId, $"does not fit on {hostId}");
        Commit(r, h);
        return new PlacementDecision(r.VmId, hostId, _specs[h].Zone, null);
    }

    /// <summary>Frees what a VM used (it stopped, or moved away).</summary>
    public bool Release(string vmId)
    {
        if (!_placed.Remove(vmId, out var p)) return false;
        Free(p.Host, p.Request);
        return true;
    }

    public string? HostOf(string vmId) => _placed.TryGetValue(vmId, out var p) ? _specs[p.Host].Id : null;

    /// <summary>What a placed VM asked for (to place it again elsewhere).</summary>
    public VmRequest? RequestOf(string vmId) => _placed.TryGetValue(vmId, out var p) ? p.Request : null;

    /// <summary>The VMs on the given hosts, with their requests and hosts.</summary>
    public List<(VmRequest Request, string Host)> VmsOn(IReadOnlySet<string> hostIds)
    {
        var on = new bool[_specs.Count];
        foreach (var id in hostIds) if (_hostIds.TryGetValue(id, out int h)) on[h] = true;
        var vms = new List<(VmRequest, string)>();
        foreach (var p in _placed.Values) if (on[p.Host]) vms.Add((p.Request, _specs[p.Host].Id));
        return vms;
    }

    public string? RegionOfHost(string hostId) => _hostIds.TryGetValue(hostId, out int h) ? _specs[h].Region : null;

    public string? ZoneOfHost(string hostId) => _hostIds.TryGetValue(hostId, out int h) ? _specs[h].Zone : null;

    /// <summary>The hosts of a zone.</summary>
    public IEnumerable<HostSpec> HostsIn(string zone) => _specs.Where(h => h.Zone == zone);

    public (int FreeVCpu, int FreeMemoryGb, int FreeDiskGb) Free(string hostId) =>
        _hostIds.TryGetValue(hostId, out int h) ? (_freeCpu[h], _freeMem[h], _freeDisk[h]) : default;

    private int FindInZone(int zone, VmRequest r, ulong tags, int tierBit, (HashSet<int> Hosts, Dictionary<int, int> Domains) group)
    {
        var Fit = new RequestFilter(this, r, tags, tierBit, group);
        int best = -1, bestSurplus = int.MaxValue;
        double bestScore = double.MaxValue; // lower is better, per strategy
        for (int c = 0; c < _classes.Count; c++)
        {
            var (classTags, classTiers) = _classes[c];
            if ((classTags & tags) != tags || (classTiers != 0 && (classTiers & tierBit) == 0)) continue;
            if (IndexOf(zone * 64 + c) is not { Count: > 0 } index) continue;
            // Special hosts (tags the VM does not need) are kept for the VMs that need them: a VM goes there only
            // when no plainer host fits (first measured: PCI hosts filled with
            // ordinary VMs turned away 63% of the PCI requests).
            int surplus = System.Numerics.BitOperations.PopCount(classTags & ~tags);
            if (surplus > bestSurplus) continue;
            int candidate = -1;
            double score = double.MaxValue;
            switch (_options.Strategy)
            {
                case PlacementStrategy.BestFit:
                    candidate = index.TightestFit(r.VCpu, r.MemoryGb, Fit, out int slack);
                    score = slack;
                    break;
                case PlacementStrategy.Spread:
                    candidate = index.LoosestFit(r.VCpu, r.MemoryGb, Fit);
                    if (candidate >= 0) score = -_freeCpu[candidate];
                    break;
                default:
                    // Balanced: among hosts nearly as tight as the tightest (8 units of vCPU + 4 GB more), the one whose
                    // CPU and memory stay most evenly used; not among all hosts, or empty hosts would win every time.
                    // And never an empty host while a used one fits: an empty host is always perfectly balanced.
                    int tightestHost = index.TightestFit(r.VCpu, r.MemoryGb, Fit, out int tightest);
                    if (tightestHost < 0) break;
                    bool usedFits = _vmCount[tightestHost] > 0;
                    foreach (int h in index.TightestPerRow(r.VCpu, r.MemoryGb, Fit))
                    {
                        if (usedFits && _vmCount[h] == 0) continue;
                        int hSlack = CapacityIndex.CpuBucket(_freeCpu[h]) - CapacityIndex.CpuBucket(r.VCpu) + CapacityIndex.MemBucket(_freeMem[h]) - CapacityIndex.MemBucket(r.MemoryGb);
                        if (hSlack > tightest + 8) continue;
                        var spec = _specs[h];
                        double balance = Math.Abs((_freeCpu[h] - r.VCpu) / (double)spec.VCpu - (_freeMem[h] - r.MemoryGb) / (double)spec.MemoryGb);
                        if (balance < score - 1e-12) { candidate = h; score = balance; }
                    }
                    break;
            }
            if (candidate < 0) continue;
            if (surplus < bestSurplus || score < bestScore) { best = candidate; bestSurplus = surplus; bestScore = score; }
        }
        return best;
    }

    private readonly struct RequestFilter(PlacementEngine engine, VmRequest r, ulong tags, int tierBit, (HashSet<int> Hosts, Dictionary<int, int> Domains) group) : IHostFilter
    {
        public bool Fits(int host) => engine.Fits(host, r, tags, tierBit, group);
    }

    private bool Fits(int h, VmRequest r, ulong tags, int tierBit, (HashSet<int> Hosts, Dictionary<int, int> Domains) group)
    {
        if (_freeCpu[h] < r.VCpu || _freeMem[h] < r.MemoryGb || _freeDisk[h] < r.DiskGb) return false;
        var (classTags, classTiers) = _classes[_classOf[h]];
        if ((classTags & tags) != tags || (classTiers != 0 && (classTiers & tierBit) == 0)) return false;
        if (group.Hosts is null) return true;
        if (group.Hosts.Contains(h)) return false;
        // Spread: a fault domain the group has not used yet, while the zone has one.
        return !r.SpreadFaultDomains || !group.Domains.ContainsKey(_domainOf[h]) || _zoneDomains[_zoneOf[h]].All(group.Domains.ContainsKey);
    }

    private void Commit(VmRequest r, int h)
    {
        Take(h, r);
        _placed[r.VmId] = (h, r);
    }

    private void Take(int h, VmRequest r)
    {
        Unindex(h);
        _freeCpu[h] -= r.VCpu; _freeMem[h] -= r.MemoryGb; _freeDisk[h] -= r.DiskGb; _vmCount[h]++;
        if (_available[h]) _zoneFreeCpu[_zoneOf[h]] -= r.VCpu;
        if (r.AntiAffinityGroup is not null)
        {
            if (!_groups.TryGetValue(r.AntiAffinityGroup, out var g)) _groups[r.AntiAffinityGroup] = g = ([], []);
            g.Hosts.Add(h);
            g.Domains[_domainOf[h]] = g.Domains.GetValueOrDefault(_domainOf[h]) + 1;
        }
        Index(h);
    }

    private void Free(int h, VmRequest r)
    {
        Unindex(h);
        _freeCpu[h] += r.VCpu; _freeMem[h] += r.MemoryGb; _freeDisk[h] += r.DiskGb; _vmCount[h]--;
        if (_available[h]) _zoneFreeCpu[_zoneOf[h]] += r.VCpu;
        if (r.AntiAffinityGroup is not null && _groups.TryGetValue(r.AntiAffinityGroup, out var g))
        {
            g.Hosts.Remove(h);
            int d = _domainOf[h];
            if (g.Domains.TryGetValue(d, out int n)) { if (n <= 1) g.Domains.Remove(d); else g.Domains[d] = n - 1; }
        }
        Index(h);
    }

    private void Index(int h)
    {
        if (!_available[h]) return;
        int key = _zoneOf[h] * 64 + _classOf[h];
        if (key >= _indexes.Length) Array.Resize(ref _indexes, Math.Max(key + 1, _indexes.Length * 2));
        (_indexes[key] ??= new CapacityIndex()).Add(h, _freeCpu[h], _freeMem[h]);
    }

    private void Unindex(int h)
    {
        IndexOf(_zoneOf[h] * 64 + _classOf[h])?.Remove(h);
    }

    private CapacityIndex? IndexOf(int key) => key < _indexes.Length ? _indexes[key] : null;

    private int ZoneId(string region, string zone)
    {
        if (_zoneIds.TryGetValue(zone, out int z)) return z;
        _zoneIds[zone] = z = _zoneNames.Count;
        _zoneNames.Add(zone); _zoneRegion.Add(region); _zoneFreeCpu.Add(0); _zoneDomains.Add([]);
        return z;
    }

    private int ClassId(HostSpec spec)
    {
        ulong tags = 0;
        foreach (var t in spec.Tags ?? [])
        {
            if (!_tagIds.TryGetValue(t, out int bit))
            {
                if (_tagIds.Count == 64) throw new ArgumentException("at most 64 distinct host tags");
                _tagIds[t] = bit = _tagIds.Count;
            }
            tags |= 1UL << bit;
        }
        int tiers = 0;
        foreach (var tier in spec.Tiers ?? []) tiers |= TierBit(tier);
        int cls = _classes.IndexOf((tags, tiers));
        if (cls < 0)
        {
            if (_classes.Count == 64) throw new ArgumentException("at most 64 host classes (distinct tag and tier sets)");
            cls = _classes.Count;
            _classes.Add((tags, tiers));
        }
        return cls;
    }

    private static int TierBit(TenantTier tier) => 1 << (int)tier;
}
