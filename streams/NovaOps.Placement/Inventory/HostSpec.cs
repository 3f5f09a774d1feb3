using NovaOps.Contracts;

namespace NovaOps.Placement;

/// <summary>A host as the inventory describes it.</summary>
/// <param name="FaultDomain">The rack or power domain: VMs of a group that asks for spread avoid sharing one.</param>
/// <param name="Tags">Compliance and hardware tags (pci, gpu, …): a VM that requires tags goes only where all are.</param>
/// <param name="Tiers">Tenant tiers the host takes (dedicated platinum hosts, …); empty: every tier.</param>
public sealed record HostSpec(string Id, string Region, string Zone, string FaultDomain, int VCpu, int MemoryGb, int DiskGb,
    IReadOnlyCollection<string>? Tags = null, IReadOnlyCollection<TenantTier>? Tiers = null);

/// <summary>A VM to place.</summary>
/// <param name="Region">Pinned to a region (null: any).</param>
/// <param name="Zone">Pinned to a zone (null: any zone of the region).</param>
/// <param name="AntiAffinityGroup">VMs of one group never share a host.</param>
/// <param name="SpreadFaultDomains">…and, while the zone has domains left, never share a fault domain either.</param>
public sealed record VmRequest(string VmId, string TenantId, TenantTier Tier, int VCpu, int MemoryGb, int DiskGb,
    string? Region = null, string? Zone = null, string? AntiAffinityGroup = null, IReadOnlyCollection<string>? RequiredTags = null,
    bool SpreadFaultDomains = false);

/// <summary>Where a VM went, or why it could not go anywhere.</summary>
public readonly record struct PlacementDecision(string VmId, string? Host, string? Zone, string? Reason)
{
    public bool Placed => Host is not null;
    public static PlacementDecision Rejected(string vm, string reason) => new(vm, null, null, reason);
}

/// <summary>How a host is chosen among those that fit.</summary>
public enum PlacementStrategy
{
    /// <summary>The host left with the least free capacity: packs the fleet, leaves whole hosts free.</summary>
    BestFit,

    /// <summary>Among the tightest fits, the host whose CPU and memory stay most evenly used: less stranded capacity.</summary>
    Balanced,

    /// <summary>The emptiest host: spreads load and blast radius, uses more hosts.</summary>
    Spread,
}
