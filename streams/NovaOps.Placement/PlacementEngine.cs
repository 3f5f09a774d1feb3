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
    private readonly List<string> _hostNames = []; // the ids alone: a decision names its host without reading its spec
    private readonly Dictionary<string, int> _hostIds = new(StringComparer.Ordinal);
    // What a decision reads and changes of a host, in one struct per host: one cache line instead of eight arrays'
    // (a zone evacuation touches two random hosts of tens of thousands per move).
    private HostState[] _hosts = new HostState[64];
    private readonly Dictionary<string, int> _zoneIds = new(StringComparer.Ordinal), _domainIds = new(StringComparer.Ordinal), _tagIds = new(StringComparer.Ordinal);
    private readonly List<string> _zoneNames = [], _zoneRegion = [];
    private readonly List<long> _zoneFreeCpu = [];
    private readonly List<HashSet<int>> _zoneDomains = [];
    private readonly List<(ulong Tags, int Tiers)> _classes = [];
    private CapacityIndex?[] _indexes = new CapacityIndex?[64]; // by zone × 64 + host class (an array: read several times a decision)
    // Placed VMs by slot: host, request and what the request needs of a host, resolved once (Demand). A VM's id is
    // hashed once, to find its slot; a failover then walks slots and reads no request object (a string lookup per
    // move was a fifth of a zone evacuation, and reading 100,000 scattered requests most of the rest).
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private VmSlot[] _slots = new VmSlot[64];
    private int _slotCount;
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<string, int> _groupIds = new(StringComparer.Ordinal);
    private readonly List<AntiAffinityGroup> _groups = [];

    public PlacementEngine(IEnumerable<HostSpec> hosts, PlacementOptions? options = null)
    {
        _options = options ?? new PlacementOptions();
        foreach (var h in hosts) Upsert(h);
    }

    public PlacementOptions Options => _options;
    public int HostCount => _specs.Count;
    public int VmCount => _slotOf.Count;

    /// <summary>Hosts running at least one VM.</summary>
    public int HostsUsed
    {
        get
        {
            int used = 0;
            for (int h = 0; h < _specs.Count; h++) if (_hosts[h].VmCount > 0) used++;
            return used;
        }
    }

    public IReadOnlyList<HostSpec> Hosts => _specs;

    /// <summary>Adds a host, or updates one (its capacity, tags, place); what runs on it stays.</summary>
    public void Upsert(HostSpec spec)
    {
        if (spec.VCpu <= 0 || spec.MemoryGb <= 0 || spec.DiskGb < 0) throw new ArgumentException($"host {spec.Id}: capacity must be positive");
        int cls = ClassId(spec); // first: a host refused for its tags leaves the engine as it was
        int zone = ZoneId(spec.Region, spec.Zone);
        if (!_domainIds.TryGetValue($"{spec.Zone}/{spec.FaultDomain}", out int domain)) _domainIds[$"{spec.Zone}/{spec.FaultDomain}"] = domain = _domainIds.Count;
        _zoneDomains[zone].Add(domain);
        if (_hostIds.TryGetValue(spec.Id, out int h))
        {
            Unindex(h);
            var old = _specs[h];
            if (_hosts[h].Available) _zoneFreeCpu[_hosts[h].Zone] -= _hosts[h].FreeCpu;
            _hosts[h].FreeCpu += spec.VCpu - old.VCpu;
            _hosts[h].FreeMem += spec.MemoryGb - old.MemoryGb;
            _hosts[h].FreeDisk += spec.DiskGb - old.DiskGb;
            _specs[h] = spec;
            _hosts[h].Zone = zone; _hosts[h].Domain = domain; _hosts[h].Class = cls;
        }
        else
        {
            h = _specs.Count;
            _hostIds[spec.Id] = h;
            _specs.Add(spec);
            _hostNames.Add(spec.Id);
            if (h == _hosts.Length) Array.Resize(ref _hosts, h * 2);
            _hosts[h] = new HostState { FreeCpu = spec.VCpu, FreeMem = spec.MemoryGb, FreeDisk = spec.DiskGb, Zone = zone, Domain = domain, Class = cls, Available = true };
        }
        if (_hosts[h].Available) _zoneFreeCpu[zone] += Math.Max(0, _hosts[h].FreeCpu);
        Index(h);
    }

    /// <summary>Takes a host out of placement (maintenance, predicted failure) or puts it back; its VMs stay.</summary>
    public bool SetAvailable(string hostId, bool available)
    {
        if (!_hostIds.TryGetValue(hostId, out int h)) return false;
        if (_hosts[h].Available == available) return true;
        _hosts[h].Available = available;
        _zoneFreeCpu[_hosts[h].Zone] += available ? _hosts[h].FreeCpu : -_hosts[h].FreeCpu;
        if (available) Index(h); else Unindex(h);
        return true;
    }

    public bool IsAvailable(string hostId) => _hostIds.TryGetValue(hostId, out int h) && _hosts[h].Available;

    public PlacementDecision Place(VmRequest r)
    {
        if (r.VCpu <= 0 || r.MemoryGb <= 0 || r.DiskGb < 0) return PlacementDecision.Rejected(r.VmId, "invalid size: vCPU and memory must be positive");
        if (_slotOf.ContainsKey(r.VmId)) return PlacementDecision.Rejected(r.VmId, "already placed");
        if (UnknownTag(r) is { } tag) return PlacementDecision.Rejected(r.VmId, $"no host has tag '{tag}'");
        var demand = DemandOf(r);
        var (host, zone, reason) = Choose(demand, r.Zone, r.Region);
        if (host < 0) return PlacementDecision.Rejected(r.VmId, reason!);
        Commit(r, demand, host);
        return new PlacementDecision(r.VmId, _hostNames[host], _zoneNames[zone], null);
    }

    /// <summary>
    /// Moves a placed VM to the best host within <paramref name="zone"/> or <paramref name="region"/> (the pins a
    /// failover allows it), freeing its old host; the VM stays where it is when nothing fits.
    /// </summary>
    public PlacementDecision Relocate(string vmId, string? zone, string? region) =>
        _slotOf.TryGetValue(vmId, out int slot) ? Relocate(slot, zone, region) : PlacementDecision.Rejected(vmId, "not placed");

    /// <summary>
    /// <see cref="Relocate(string, string?, string?)"/> for a VM found by <see cref="VmsOn"/>: by its slot, without
    /// looking its id up again (a zone evacuation moves 100,000 VMs).
    /// </summary>
    public PlacementDecision Relocate(in PlacedVm vm, string? zone, string? region) =>
        vm.Slot < _slotCount && ReferenceEquals(_slots[vm.Slot].Request, vm.Request)
            ? Relocate(vm.Slot, zone, region)
            : Relocate(vm.VmId, zone, region); // the VM moved or left since VmsOn

    private PlacementDecision Relocate(int slot, string? zone, string? region)
    {
        ref var vm = ref _slots[slot];
        var (host, z, reason) = Choose(vm.Demand, zone, region);
        if (host < 0) return PlacementDecision.Rejected(vm.VmId, reason!);
        Free(vm.Host, vm.Demand);
        Take(host, vm.Demand);
        vm.Host = host;
        return new PlacementDecision(vm.VmId, _hostNames[host], _zoneNames[z], null);
    }

    private (int Host, int Zone, string? Reason) Choose(in Demand demand, string? zonePin, string? regionPin)
    {
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
            int host = FindInZone(zones[tried], demand);
            if (host >= 0) return (host, zones[tried], null);
        }
        return (-1, -1, "no host fits (capacity, tags, tier, anti-affinity, availability)");
    }

    /// <summary>Places a VM on a given host if it fits there (the failover planner's moves, an operator's choice).</summary>
    public PlacementDecision PlaceOn(VmRequest r, string hostId)
    {
        if (r.VCpu <= 0 || r.MemoryGb <= 0 || r.DiskGb < 0) return PlacementDecision.Rejected(r.VmId, "invalid size: vCPU and memory must be positive");
        if (!_hostIds.TryGetValue(hostId, out int h)) return PlacementDecision.Rejected(r.VmId, $"unknown host {hostId}");
        if (_slotOf.ContainsKey(r.VmId)) return PlacementDecision.Rejected(r.VmId, "already placed");
        var demand = DemandOf(r);
        if (!_hosts[h].Available || !Fits(h, demand)) return PlacementDecision.Rejected(r.VmId, $"does not fit on {hostId}");
        Commit(r, demand, h);
        return new PlacementDecision(r.VmId, hostId, _specs[h].Zone, null);
    }

    /// <summary>
    /// Records a VM that already runs on a host (a restart's restore, an inventory import, an undone what-if): it is
    /// there whatever the host's availability or free capacity; only an unknown host or VM id already placed is refused.
    /// </summary>
    public PlacementDecision Adopt(VmRequest r, string hostId)
    {
        if (r.VCpu <= 0 || r.MemoryGb <= 0 || r.DiskGb < 0) return PlacementDecision.Rejected(r.VmId, "invalid size: vCPU and memory must be positive");
        if (!_hostIds.TryGetValue(hostId, out int h)) return PlacementDecision.Rejected(r.VmId, $"unknown host {hostId}");
        if (_slotOf.ContainsKey(r.VmId)) return PlacementDecision.Rejected(r.VmId, "already placed");
        Commit(r, DemandOf(r), h);
        return new PlacementDecision(r.VmId, hostId, _specs[h].Zone, null);
    }

    /// <summary>Frees what a VM used (it stopped, or moved away).</summary>
    public bool Release(string vmId)
    {
        if (!_slotOf.Remove(vmId, out int slot)) return false;
        Free(_slots[slot].Host, _slots[slot].Demand);
        _slots[slot] = default;
        _freeSlots.Push(slot);
        return true;
    }

    public string? HostOf(string vmId) => _slotOf.TryGetValue(vmId, out int slot) ? _hostNames[_slots[slot].Host] : null;

    /// <summary>What a placed VM asked for (to place it again elsewhere).</summary>
    public VmRequest? RequestOf(string vmId) => _slotOf.TryGetValue(vmId, out int slot) ? _slots[slot].Request : null;

    /// <summary>The VMs on the given hosts, with their requests and hosts, in the order they were placed.</summary>
    public List<PlacedVm> VmsOn(IReadOnlySet<string> hostIds)
    {
        var on = new bool[_specs.Count];
        foreach (var id in hostIds) if (_hostIds.TryGetValue(id, out int h)) on[h] = true;
        // Counted first: the list of a zone's 100,000 VMs is allocated once, not grown through fresh pages.
        var slots = _slots.AsSpan(0, _slotCount);
        int count = 0;
        foreach (ref readonly var vm in slots) if (vm.Request is not null && on[vm.Host]) count++;
        var vms = new List<PlacedVm>(count);
        for (int slot = 0; slot < slots.Length; slot++)
        {
            ref readonly var vm = ref slots[slot];
            if (vm.Request is null || !on[vm.Host]) continue;
            vms.Add(new PlacedVm(vm.Request, vm.VmId, vm.Tier, vm.Region, _hostNames[vm.Host], _zoneRegion[_hosts[vm.Host].Zone], slot));
        }
        return vms;
    }

    public string? RegionOfHost(string hostId) => _hostIds.TryGetValue(hostId, out int h) ? _specs[h].Region : null;

    public string? ZoneOfHost(string hostId) => _hostIds.TryGetValue(hostId, out int h) ? _specs[h].Zone : null;

    /// <summary>The hosts of a zone.</summary>
    public IEnumerable<HostSpec> HostsIn(string zone) => _specs.Where(h => h.Zone == zone);

    public (int FreeVCpu, int FreeMemoryGb, int FreeDiskGb) Free(string hostId) =>
        _hostIds.TryGetValue(hostId, out int h) ? (_hosts[h].FreeCpu, _hosts[h].FreeMem, _hosts[h].FreeDisk) : default;

    private int FindInZone(int zone, in Demand r)
    {
        var Fit = new DemandFilter(this, r);
        ulong tags = r.Tags;
        int tierBit = r.TierBit;
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
                    if (candidate >= 0) score = -_hosts[candidate].FreeCpu;
                    break;
                default:
                    // Balanced: among hosts nearly as tight as the tightest (8 units of vCPU + 4 GB more), the one whose
                    // CPU and memory stay most evenly used; not among all hosts, or empty hosts would win every time.
                    // And never an empty host while a used one fits: an empty host is always perfectly balanced.
                    int tightestHost = index.TightestFit(r.VCpu, r.MemoryGb, Fit, out int tightest);
                    if (tightestHost < 0) break;
                    bool usedFits = _hosts[tightestHost].VmCount > 0;
                    foreach (int h in index.TightestPerRow(r.VCpu, r.MemoryGb, Fit))
                    {
                        if (usedFits && _hosts[h].VmCount == 0) continue;
                        int hSlack = CapacityIndex.CpuBucket(_hosts[h].FreeCpu) - CapacityIndex.CpuBucket(r.VCpu) + CapacityIndex.MemBucket(_hosts[h].FreeMem) - CapacityIndex.MemBucket(r.MemoryGb);
                        if (hSlack > tightest + 8) continue;
                        var spec = _specs[h];
                        double balance = Math.Abs((_hosts[h].FreeCpu - r.VCpu) / (double)spec.VCpu - (_hosts[h].FreeMem - r.MemoryGb) / (double)spec.MemoryGb);
                        if (balance < score - 1e-12) { candidate = h; score = balance; }
                    }
                    break;
            }
            if (candidate < 0) continue;
            if (surplus < bestSurplus || score < bestScore) { best = candidate; bestSurplus = surplus; bestScore = score; }
        }
        return best;
    }

    private readonly struct DemandFilter(PlacementEngine engine, Demand demand) : IHostFilter
    {
        public bool Fits(int host) => engine.Fits(host, demand);
    }

    private bool Fits(int h, in Demand r)
    {
        ref readonly var host = ref _hosts[h];
        if (host.FreeCpu < r.VCpu || host.FreeMem < r.MemoryGb || host.FreeDisk < r.DiskGb) return false;
        var (classTags, classTiers) = _classes[host.Class];
        if ((classTags & r.Tags) != r.Tags || (classTiers != 0 && (classTiers & r.TierBit) == 0)) return false;
        if (r.Group < 0) return true;
        var group = _groups[r.Group];
        if (group.Hosts.Contains(h)) return false;
        // Spread: a fault domain the group has not used yet, while the zone has one.
        return !r.Spread || !group.Domains.ContainsKey(host.Domain) || _zoneDomains[host.Zone].All(group.Domains.ContainsKey);
    }

    private void Commit(VmRequest r, in Demand demand, int h)
    {
        Take(h, demand);
        if (!_freeSlots.TryPop(out int slot))
        {
            if (_slotCount == _slots.Length) Array.Resize(ref _slots, _slots.Length * 2);
            slot = _slotCount++;
        }
        _slots[slot] = new VmSlot { Request = r, VmId = r.VmId, Region = r.Region, Tier = r.Tier, Demand = demand, Host = h };
        _slotOf[r.VmId] = slot;
    }

    /// <summary>A tag of the request no host has (such a VM can go nowhere); null when all are known.</summary>
    private string? UnknownTag(VmRequest r)
    {
        foreach (var t in r.RequiredTags ?? []) if (!_tagIds.ContainsKey(t)) return t;
        return null;
    }

    /// <summary>What the request needs of a host (a tag no host has: every bit, so nothing fits); its anti-affinity
    /// group gets a number on first use.</summary>
    private Demand DemandOf(VmRequest r)
    {
        ulong tags = 0;
        foreach (var t in r.RequiredTags ?? []) tags |= _tagIds.TryGetValue(t, out int bit) ? 1UL << bit : ulong.MaxValue;
        int group = -1;
        if (r.AntiAffinityGroup is not null && !_groupIds.TryGetValue(r.AntiAffinityGroup, out group))
        {
            _groupIds[r.AntiAffinityGroup] = group = _groups.Count;
            _groups.Add(new AntiAffinityGroup());
        }
        return new Demand(r.VCpu, r.MemoryGb, r.DiskGb, tags, TierBit(r.Tier), group, r.SpreadFaultDomains);
    }

    private void Take(int h, in Demand r)
    {
        int group = r.Group;
        Unindex(h);
        _hosts[h].FreeCpu -= r.VCpu; _hosts[h].FreeMem -= r.MemoryGb; _hosts[h].FreeDisk -= r.DiskGb; _hosts[h].VmCount++;
        if (_hosts[h].Available) _zoneFreeCpu[_hosts[h].Zone] -= r.VCpu;
        if (group >= 0)
        {
            var g = _groups[group];
            g.Hosts.Add(h);
            g.Domains[_hosts[h].Domain] = g.Domains.GetValueOrDefault(_hosts[h].Domain) + 1;
        }
        Index(h);
    }

    private void Free(int h, in Demand r)
    {
        int group = r.Group;
        Unindex(h);
        _hosts[h].FreeCpu += r.VCpu; _hosts[h].FreeMem += r.MemoryGb; _hosts[h].FreeDisk += r.DiskGb; _hosts[h].VmCount--;
        if (_hosts[h].Available) _zoneFreeCpu[_hosts[h].Zone] += r.VCpu;
        if (group >= 0)
        {
            var g = _groups[group];
            g.Hosts.Remove(h);
            int d = _hosts[h].Domain;
            if (g.Domains.TryGetValue(d, out int n)) { if (n <= 1) g.Domains.Remove(d); else g.Domains[d] = n - 1; }
        }
        Index(h);
    }

    private void Index(int h)
    {
        if (!_hosts[h].Available) return;
        int key = _hosts[h].Zone * 64 + _hosts[h].Class;
        if (key >= _indexes.Length) Array.Resize(ref _indexes, Math.Max(key + 1, _indexes.Length * 2));
        (_indexes[key] ??= new CapacityIndex()).Add(h, _hosts[h].FreeCpu, _hosts[h].FreeMem);
    }

    private void Unindex(int h)
    {
        IndexOf(_hosts[h].Zone * 64 + _hosts[h].Class)?.Remove(h);
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
        // Checked before anything is recorded: a refused host adds no tag and no class.
        var newTags = (spec.Tags ?? []).Where(t => !_tagIds.ContainsKey(t)).Distinct().ToList();
        if (_tagIds.Count + newTags.Count > 64) throw new ArgumentException($"host {spec.Id}: at most 64 distinct host tags in a region");
        ulong tags = 0;
        int next = _tagIds.Count;
        foreach (var t in spec.Tags ?? []) tags |= 1UL << (_tagIds.TryGetValue(t, out int bit) ? bit : next + newTags.IndexOf(t));
        int tiers = 0;
        foreach (var tier in spec.Tiers ?? []) tiers |= TierBit(tier);
        int cls = _classes.IndexOf((tags, tiers));
        if (cls < 0 && _classes.Count == 64) throw new ArgumentException($"host {spec.Id}: at most 64 host classes (distinct tag and tier sets) in a region");
        foreach (var t in newTags) _tagIds[t] = _tagIds.Count;
        if (cls < 0)
        {
            cls = _classes.Count;
            _classes.Add((tags, tiers));
        }
        return cls;
    }

    private static int TierBit(TenantTier tier) => 1 << (int)tier;

    /// <summary>What a VM needs of a host: its size, its tags as bits, its tier's bit, its anti-affinity group's number (-1: none).</summary>
    private readonly record struct Demand(int VCpu, int MemoryGb, int DiskGb, ulong Tags, int TierBit, int Group, bool Spread);

    private struct VmSlot
    {
        public VmRequest? Request; // null: a free slot
        public string VmId;
        public string? Region;
        public TenantTier Tier;
        public Demand Demand;
        public int Host;
    }

    private struct HostState
    {
        public int FreeCpu, FreeMem, FreeDisk, VmCount, Zone, Domain, Class;
        public bool Available;
    }

    /// <summary>The hosts and fault domains (with their VM counts) an anti-affinity group uses.</summary>
    private sealed class AntiAffinityGroup
    {
        public HashSet<int> Hosts { get; } = [];
        public Dictionary<int, int> Domains { get; } = [];
    }
}

/// <summary>A placed VM as <see cref="PlacementEngine.VmsOn"/> found it: its request, host and the host's region, and its
/// slot in the engine (for <see cref="PlacementEngine.Relocate(in PlacedVm, string?, string?)"/>).</summary>
public readonly record struct PlacedVm(VmRequest Request, string VmId, TenantTier Tier, string? Region, string Host, string HostRegion, int Slot);

