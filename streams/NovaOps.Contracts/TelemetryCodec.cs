using Google.Protobuf;

namespace NovaOps.Contracts;

/// <summary>
/// Reads telemetry off the wire: protobuf (the normal case) or JSON (accepted at the edges,
/// e.g. from agents and kcat), then checks the sample is something the pipeline can trust.
/// Never throws for bad input: every failure is a <see cref="DecodeResult"/> with a reason.
/// </summary>
public sealed class TelemetryCodec(TelemetryValidationOptions options, TimeProvider clock)
{
    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public TelemetryCodec() : this(new TelemetryValidationOptions(), TimeProvider.System) { }

    public static string EncodeJson(TelemetrySample sample) => JsonFormatter.Default.Format(sample);

    public DecodeResult Decode(ReadOnlySpan<byte> value, string? key = null)
    {
        if (value.IsEmpty)
            return DecodeResult.Reject(RejectReasons.Malformed, "empty value");
        if (value.Length > RecordLimits.MaxBytes)
            return DecodeResult.Reject(RejectReasons.OutOfRange, $"{value.Length:N0} bytes: larger than the {RecordLimits.MaxBytes:N0} a record may be");

        TelemetrySample sample;
        try
        {
            sample = LooksLikeJson(value)
                ? Json.Parse<TelemetrySample>(System.Text.Encoding.UTF8.GetString(value))
                : TelemetrySample.Parser.ParseFrom(value);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            return DecodeResult.Reject(RejectReasons.Malformed, $"cannot parse telemetry: {e.Message}");
        }

        return Validate(sample, key);
    }

    public DecodeResult Validate(TelemetrySample s, string? key = null)
    {
        if (s.SchemaVersion == 0)
            return DecodeResult.Reject(RejectReasons.MissingField, "schema_version is missing");
        if (s.SchemaVersion > SchemaVersions.Telemetry)
            return DecodeResult.Reject(RejectReasons.UnknownSchemaVersion,
                $"schema_version {s.SchemaVersion} is newer than the supported {SchemaVersions.Telemetry}");
        if (string.IsNullOrEmpty(s.VmId))
            return DecodeResult.Reject(RejectReasons.MissingField, "vm_id is missing");
        if (key is not null && key.Length > 0 && key != s.VmId)
            return DecodeResult.Reject(RejectReasons.KeyMismatch, $"key '{key}' differs from vm_id '{s.VmId}'");
        if (s.TimestampMs <= 0)
            return DecodeResult.Reject(RejectReasons.MissingField, "timestamp_ms is missing");
        long maxTs = clock.GetUtcNow().ToUnixTimeMilliseconds() + (long)options.MaxFutureSkew.TotalMilliseconds;
        if (s.TimestampMs > maxTs)
            return DecodeResult.Reject(RejectReasons.FutureTimestamp,
                $"timestamp {Describe(s.TimestampMs)} is more than {options.MaxFutureSkew} ahead");

        return CheckRange(s);
    }

    // Past year 9999 a timestamp has no date to print (DateTimeOffset would throw): its milliseconds are the reason.
    private static string Describe(long ms) =>
        ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("O") : $"{ms} ms (past the year 9999)";

    private DecodeResult CheckRange(TelemetrySample s)
    {
        Span<double> v = stackalloc double[MetricNames.Count];
        s.CopyStandardMetrics(v);
        int present = 0;
        for (int i = 0; i < v.Length; i++)
        {
            double x = v[i];
            bool has = i switch
            {
                0 => s.HasCpuUtil, 1 => s.HasMemUtil, 2 => s.HasDiskUtil, 3 => s.HasDiskIoWait,
                4 => s.HasNetRxBytes, 5 => s.HasNetTxBytes, 6 => s.HasLatencyP99Ms, _ => s.HasErrorRate,
            };
            if (!has) continue;
            present++;
            string name = MetricNames.Standard[i];
            if (!double.IsFinite(x))
                return DecodeResult.Reject(RejectReasons.NotFinite, $"{name} is {x}");
            var (lo, hi) = i switch
            {
                <= 3 => (0.0, 100.0),
                4 or 5 => (0.0, options.MaxBytesPerSecond),
                6 => (0.0, options.MaxLatencyMs),
                _ => (0.0, 1.0),
            };
            if (x < lo || x > hi)
                return DecodeResult.Reject(RejectReasons.OutOfRange, $"{name} = {x} is outside [{lo}, {hi}]");
        }

        // Enumerating an empty map still allocates an enumerator: skip it on the hot path.
        if (s.Extra.Count > 0)
        {
            foreach (var (name, x) in s.Extra)
            {
                if (!double.IsFinite(x))
                    return DecodeResult.Reject(RejectReasons.NotFinite, $"{name} is {x}");
                present++;
            }
        }

        return present == 0
            ? DecodeResult.Reject(RejectReasons.MissingField, "the sample carries no metric")
            : DecodeResult.Ok(s);
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> value)
    {
        foreach (byte b in value)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b == (byte)'{';
        }
        return false;
    }
}
