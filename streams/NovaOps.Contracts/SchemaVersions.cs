namespace NovaOps.Contracts;

/// <summary>
/// The schema version each record type is written with. A reader accepts every version
/// up to the current one; a higher version means a newer writer and is dead-lettered,
/// never guessed at.
/// </summary>
public static class SchemaVersions
{
    public const uint Telemetry = 1;
    public const uint Anomaly = 1;
    public const uint FaultLabel = 1;
    public const uint DeadLetter = 1;
    public const uint Prediction = 1;
    public const uint Topology = 1;
    public const uint RootCause = 1;
    public const uint Action = 1;
    public const uint Approval = 1;
    public const uint FleetCommand = 1;
    public const uint Host = 1;
    public const uint Placement = 1;
    public const uint Failover = 1;
}
