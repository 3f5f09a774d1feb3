namespace NovaOps.Contracts;

/// <summary>
/// The files of a recording of a region's telemetry (<c>novaops record</c>, <c>demo --run-dir</c>), in
/// <see cref="JsonLines"/> form, plain or <c>.gz</c>: what <c>novaops train anomaly|incident --data</c> reads.
/// </summary>
public static class RecordingFiles
{
    /// <summary><see cref="TelemetrySample"/>s, each VM's in time order.</summary>
    public const string Telemetry = "telemetry.jsonl";

    /// <summary><see cref="FaultLabel"/>s (ground truth, where there is one): a fault an action ended has a second record with its <c>resolved_ms</c>.</summary>
    public const string Faults = "faults.jsonl";
}
