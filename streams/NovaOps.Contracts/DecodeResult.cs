namespace NovaOps.Contracts;

/// <summary>Reason codes of rejected records: stable and few, because they label metrics.</summary>
public static class RejectReasons
{
    public const string Malformed = "malformed";
    public const string UnknownSchemaVersion = "unknown_schema_version";
    public const string MissingField = "missing_field";
    public const string OutOfRange = "out_of_range";
    public const string NotFinite = "not_finite";
    public const string FutureTimestamp = "future_timestamp";
    public const string KeyMismatch = "key_mismatch";
}

/// <summary>Either a valid sample, or the reason it was rejected.</summary>
public readonly record struct DecodeResult(TelemetrySample? Sample, string? ReasonCode, string? Reason)
{
    public bool IsValid => Sample is not null;

    public static DecodeResult Ok(TelemetrySample s) => new(s, null, null);

    public static DecodeResult Reject(string code, string reason) => new(null, code, reason);
}
