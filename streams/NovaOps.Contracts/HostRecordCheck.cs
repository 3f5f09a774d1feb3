namespace NovaOps.Contracts;

/// <summary>
/// Whether a record of the compacted <c>hosts</c> topic can join the inventory. One rule for the live loop (which
/// dead-letters a record that fails it) and for the start-up replay (which skips it): a compacted topic keeps a bad
/// record for as long as its key has no newer one, so the replay meets it again at every start.
/// </summary>
public static class HostRecordCheck
{
    /// <summary>Distinct tags one host may carry (the engine indexes tags as the bits of a 64-bit word).</summary>
    public const int MaxTags = 64;

    /// <summary>The longest host id, zone, region, fault domain or tag accepted (a key, not a document).</summary>
    public const int MaxNameLength = 256;

    /// <summary>The record read off the topic (<see cref="RecordDecoders.Host"/>: bytes, schema version, id), then its content checked.</summary>
    public static Decoded<HostRecord> Decode(ReadOnlySpan<byte> value)
    {
        var decoded = RecordDecoders.Host.Decode(value);
        return decoded.Record is { } h && Problem(h) is var (code, reason) ? Decoded<HostRecord>.Reject(code, reason) : decoded;
    }

    /// <summary>Null when a decoded record's content is usable; otherwise its reject code and the reason.</summary>
    private static (string Code, string Reason)? Problem(HostRecord h)
    {
        foreach (var (field, value) in new[] { ("host", h.Host), ("region", h.Region), ("zone", h.Zone), ("fault_domain", h.FaultDomain) })
            if (value.Length > MaxNameLength) return (RejectReasons.OutOfRange, $"host {Short(h.Host)}: {field} is {value.Length} characters (at most {MaxNameLength})");
        if (h.Vcpu <= 0 || h.MemoryGb <= 0 || h.DiskGb < 0)
            return (RejectReasons.OutOfRange, $"host {Short(h.Host)}: vcpu {h.Vcpu}, memory {h.MemoryGb} GB, disk {h.DiskGb} GB (vcpu and memory must be positive, disk not negative)");
        if (h.Tags.Count > MaxTags) return (RejectReasons.OutOfRange, $"host {Short(h.Host)}: {h.Tags.Count} tags (at most {MaxTags})");
        if (h.Tags.Any(t => t.Length == 0 || t.Length > MaxNameLength))
            return (RejectReasons.OutOfRange, $"host {Short(h.Host)}: a tag is empty or longer than {MaxNameLength} characters");
        foreach (var tier in h.Tiers)
            if (!Enum.IsDefined(tier) || tier == TenantTier.Unspecified)
                return (RejectReasons.OutOfRange, $"host {Short(h.Host)}: tier {(int)tier} is not a tenant tier");
        return null;
    }

    private static string Short(string id) => id.Length <= 64 ? id : id[..64] + "…";
}
