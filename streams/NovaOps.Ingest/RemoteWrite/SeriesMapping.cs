using NovaOps.Contracts;
using NovaOps.Ingest.RemoteWrite.Wire;

namespace NovaOps.Ingest.RemoteWrite;

/// <summary>What a write request gave: telemetry samples, and what was left out and why.</summary>
public sealed record MappedRequest(IReadOnlyList<TelemetrySample> Samples, int SeriesUnmapped, int SeriesWithoutVm, int StaleSamples);

/// <summary>
/// Prometheus series into telemetry samples by <see cref="SeriesMappingOptions"/>: each mapped series' samples land in
/// the telemetry sample of their VM and timestamp. Stale markers (the NaN Prometheus writes when a series ends) are
/// left out; other values pass as they are, for the anomaly app's validation to accept or dead-letter.
/// </summary>
public sealed class SeriesMapping(SeriesMappingOptions options)
{
    // Prometheus' staleness marker: a NaN with this exact bit pattern.
    private const ulong StaleNaN = 0x7ff0000000000002;

    public MappedRequest Map(WriteRequest request)
    {
        var samples = new Dictionary<(string Vm, long Ms), TelemetrySample>();
        int unmapped = 0, withoutVm = 0, stale = 0;
        foreach (var series in request.Timeseries)
        {
            string? name = null, vm = null, tenant = null, region = null, zone = null, host = null;
            foreach (var label in series.Labels)
            {
                if (label.Name == "__name__") name = label.Value;
                if (label.Name == options.VmLabel) vm = label.Value;
                if (label.Name == options.TenantLabel) tenant = label.Value;
                if (label.Name == options.RegionLabel) region = label.Value;
                if (label.Name == options.ZoneLabel) zone = label.Value;
                if (label.Name == options.HostLabel) host = label.Value;
            }
            if (name is null || !options.Metrics.TryGetValue(name, out var field)) { unmapped++; continue; }
            if (string.IsNullOrEmpty(vm)) { withoutVm++; continue; }
            if (options.StripPort && vm.LastIndexOf(':') is int colon and > 0 && !vm.EndsWith(']')) vm = vm[..colon];
            foreach (var s in series.Samples)
            {
                if (BitConverter.DoubleToUInt64Bits(s.Value) == StaleNaN) { stale++; continue; }
                if (!samples.TryGetValue((vm, s.Timestamp), out var sample))
                {
                    samples[(vm, s.Timestamp)] = sample = new TelemetrySample
                    {
                        SchemaVersion = SchemaVersions.Telemetry, VmId = vm, TimestampMs = s.Timestamp,
                        TenantId = tenant ?? options.DefaultTenant, Region = region ?? options.DefaultRegion,
                        Zone = zone ?? options.DefaultZone, Host = host ?? vm,
                    };
                }
                Set(sample, field, s.Value);
            }
        }
        return new MappedRequest([.. samples.Values.OrderBy(s => s.TimestampMs)], unmapped, withoutVm, stale);
    }

    private static void Set(TelemetrySample s, string field, double value)
    {
        switch (field)
        {
            case "cpu_util": s.CpuUtil = value; break;
            case "mem_util": s.MemUtil = value; break;
            case "disk_util": s.DiskUtil = value; break;
            case "disk_io_wait": s.DiskIoWait = value; break;
            case "net_rx_bytes": s.NetRxBytes = value; break;
            case "net_tx_bytes": s.NetTxBytes = value; break;
            case "latency_p99_ms": s.LatencyP99Ms = value; break;
            case "error_rate": s.ErrorRate = value; break;
            default: s.Extra[field] = value; break;
        }
    }
}
