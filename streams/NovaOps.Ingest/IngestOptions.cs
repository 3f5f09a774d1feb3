namespace NovaOps.Ingest;

/// <summary>The remote_write endpoint (section <c>Ingest</c>).</summary>
public sealed record IngestOptions
{
    /// <summary>Where the endpoint listens; Prometheus' <c>remote_write.url</c> is <c>http://{Listen}/api/v1/write</c>.</summary>
    public string Listen { get; init; } = "127.0.0.1:9201";

    /// <summary>The token senders must present (<c>Authorization: Bearer …</c>); empty: no authentication (loopback tests only).</summary>
    public string BearerToken { get; init; } = "";

    /// <summary>A file holding the token (one line), read at start; wins over <see cref="BearerToken"/>.</summary>
    public string BearerTokenFile { get; init; } = "";

    /// <summary>Largest compressed request body accepted (Prometheus sends up to a few hundred KB a batch).</summary>
    public long MaxBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest decompressed body: a small compressed body must not expand into gigabytes.</summary>
    public long MaxDecompressedBytes { get; init; } = 32 * 1024 * 1024;

    public SeriesMappingOptions Mapping { get; init; } = new();
}

/// <summary>
/// How Prometheus series become telemetry samples (section <c>Ingest:Mapping</c>): which label names the VM, its tenant,
/// region, zone and host, and which metric fills which telemetry field. Series of other metrics are left out (counted).
/// Samples of one VM at one timestamp make one telemetry sample: the recording rules that compute them run together.
/// </summary>
public sealed record SeriesMappingOptions
{
    public string VmLabel { get; init; } = "instance";

    /// <summary>Drop a <c>:port</c> suffix from the VM label (Prometheus' instance label is host:port).</summary>
    public bool StripPort { get; init; } = true;

    public string TenantLabel { get; init; } = "tenant";
    public string RegionLabel { get; init; } = "region";
    public string ZoneLabel { get; init; } = "zone";
    public string HostLabel { get; init; } = "host";

    /// <summary>Used when a series lacks the label.</summary>
    public string DefaultTenant { get; init; } = "unknown";
    public string DefaultRegion { get; init; } = "";
    public string DefaultZone { get; init; } = "";

    /// <summary>
    /// Metric name → telemetry field (cpu_util, mem_util, disk_util, disk_io_wait, net_rx_bytes, net_tx_bytes,
    /// latency_p99_ms, error_rate; any other name goes to the sample's <c>extra</c> map). The defaults are the series of
    /// <c>dashboards/rules/remote-write.rules.yml</c>, which computes them from node exporter metrics.
    /// </summary>
    public Dictionary<string, string> Metrics { get; init; } = new(StringComparer.Ordinal)
    {
        ["novaops_vm_cpu_util_percent"] = "cpu_util",
        ["novaops_vm_mem_util_percent"] = "mem_util",
        ["novaops_vm_disk_util_percent"] = "disk_util",
        ["novaops_vm_disk_io_wait_percent"] = "disk_io_wait",
        ["novaops_vm_net_rx_bytes_per_second"] = "net_rx_bytes",
        ["novaops_vm_net_tx_bytes_per_second"] = "net_tx_bytes",
        ["novaops_vm_latency_p99_ms"] = "latency_p99_ms",
        ["novaops_vm_error_rate"] = "error_rate",
    };
}
