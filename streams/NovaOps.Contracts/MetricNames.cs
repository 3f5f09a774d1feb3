namespace NovaOps.Contracts;

/// <summary>The standard per-VM metrics every telemetry sample may carry, in feature order.</summary>
public static class MetricNames
{
    public const string CpuUtil = "cpu_util";
    public const string MemUtil = "mem_util";
    public const string DiskUtil = "disk_util";
    public const string DiskIoWait = "disk_io_wait";
    public const string NetRxBytes = "net_rx_bytes";
    public const string NetTxBytes = "net_tx_bytes";
    public const string LatencyP99Ms = "latency_p99_ms";
    public const string ErrorRate = "error_rate";

    public static readonly IReadOnlyList<string> Standard =
        [CpuUtil, MemUtil, DiskUtil, DiskIoWait, NetRxBytes, NetTxBytes, LatencyP99Ms, ErrorRate];

    public static int Count => Standard.Count;
}
