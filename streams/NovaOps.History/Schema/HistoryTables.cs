namespace NovaOps.History.Schema;

/// <summary>A table of the history: its name, its columns in insert order, and how to create it.</summary>
public sealed record HistoryTable(string Name, IReadOnlyList<string> Columns, string Ddl)
{
    public string Create(string database) => Ddl.Replace("{db}", database);
}

/// <summary>
/// The history's tables. All are ReplacingMergeTree on a key that identifies a record: a record written twice
/// (at-least-once delivery after a restart) collapses into one row when parts merge, and queries read with FINAL, so
/// counts never see a duplicate. Per-minute rollups keep the row with the most samples (a minute re-read whole after a
/// restart replaces a partial one).
/// </summary>
public static class HistoryTables
{
    public static readonly HistoryTable TelemetryMinutes = new("telemetry_1m",
        ["minute", "vm", "tenant", "region", "zone", "host", "samples", "cpu_avg", "cpu_max", "mem_avg", "mem_max", "disk_avg", "io_wait_avg",
         "net_rx_avg", "net_tx_avg", "latency_p99_max", "error_rate_avg"],
        """
        CREATE TABLE IF NOT EXISTS {db}.telemetry_1m (
            minute DateTime, vm String, tenant String, region String, zone String, host String, samples UInt32,
            cpu_avg Float64, cpu_max Float64, mem_avg Float64, mem_max Float64, disk_avg Float64, io_wait_avg Float64,
            net_rx_avg Float64, net_tx_avg Float64, latency_p99_max Float64, error_rate_avg Float64
        ) ENGINE = ReplacingMergeTree(samples) PARTITION BY toYYYYMM(minute) ORDER BY (tenant, vm, minute)
        """);

    public static readonly HistoryTable Anomalies = new("anomalies",
        ["window_start", "window_start_ms", "window_end_ms", "vm", "tenant", "region", "zone", "host", "detector", "score", "top_metric", "contributions"],
        """
        CREATE TABLE IF NOT EXISTS {db}.anomalies (
            window_start DateTime, window_start_ms Int64, window_end_ms Int64, vm String, tenant String, region String, zone String,
            host String, detector String, score Float64, top_metric String, contributions String
        ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(window_start) ORDER BY (tenant, vm, window_start_ms, detector)
        """);

    public static readonly HistoryTable Predictions = new("predictions",
        ["window_end", "window_end_ms", "vm", "tenant", "region", "zone", "host", "model", "probability", "alarm", "horizon_ms", "top_metric"],
        """
        CREATE TABLE IF NOT EXISTS {db}.predictions (
            window_end DateTime, window_end_ms Int64, vm String, tenant String, region String, zone String, host String, model String,
            probability Float64, alarm UInt8, horizon_ms Int64, top_metric String
        ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(window_end) ORDER BY (tenant, vm, window_end_ms, model)
        """);

    public static readonly HistoryTable RootCauses = new("root_causes",
        ["analysed", "analysed_ms", "incident_id", "region", "method", "final", "top_node", "top_kind", "top_score", "candidates", "anomalous_vms"],
        """
        CREATE TABLE IF NOT EXISTS {db}.root_causes (
            analysed DateTime, analysed_ms Int64, incident_id String, region String, method String, final UInt8, top_node String,
            top_kind String, top_score Float64, candidates String, anomalous_vms UInt32
        ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(analysed) ORDER BY (incident_id, analysed_ms)
        """);

    public static readonly HistoryTable Actions = new("actions",
        ["at", "at_ms", "action_id", "idempotency_key", "trigger", "runbook", "step", "kind", "target", "target_kind", "zone", "host", "tenant",
         "outcome", "guardrail", "reason", "dry_run", "vms_touched"],
        """
        CREATE TABLE IF NOT EXISTS {db}.actions (
            at DateTime, at_ms Int64, action_id String, idempotency_key String, trigger String, runbook String, step Int32, kind String,
            target String, target_kind String, zone String, host String, tenant String, outcome String, guardrail String, reason String,
            dry_run UInt8, vms_touched Int32
        ) ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(at) ORDER BY (action_id, outcome, at_ms)
        """);

    public static IReadOnlyList<HistoryTable> All => [TelemetryMinutes, Anomalies, Predictions, RootCauses, Actions];
}
