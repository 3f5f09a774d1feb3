namespace NovaOps.Simulator.Control;

/// <summary>
/// What an action costs in the simulated fleet: how long it takes, what it takes down while it runs, how often it
/// fails, and how long a paged person takes. Each duration is drawn per action between its bounds (deterministic in the
/// seed and the action). docs/simulator.md gives where each default comes from.
/// </summary>
public sealed record ActionCostOptions
{
    /// <summary>A VM restart: the VM is down (no service, no telemetry) from the command until it has booted and passed its health checks.</summary>
    public double RestartMinSeconds { get; init; } = 30;
    public double RestartMaxSeconds { get; init; } = 120;

    /// <summary>Memory of a VM, drawn per VM: a live migration copies it.</summary>
    public double VmMemoryMinGiB { get; init; } = 4;
    public double VmMemoryMaxGiB { get; init; } = 64;

    /// <summary>Bandwidth one live migration gets.</summary>
    public double MigrationGbps { get; init; } = 10;

    /// <summary>Share of the copied memory written again during each pre-copy round: the copy takes 1 / (1 − this) of one pass.</summary>
    public double MigrationDirtyShare { get; init; } = 0.3;

    /// <summary>The stop-and-copy pause at the end of a live migration: the VM is down this long (sub-second to seconds).</summary>
    public double MigrationStunMinSeconds { get; init; } = 0.1;
    public double MigrationStunMaxSeconds { get; init; } = 2;

    /// <summary>Live migrations one host drain or zone evacuation runs at once, per source host.</summary>
    public int ParallelMigrationsPerHost { get; init; } = 2;

    /// <summary>Growing a VM's disk online: the new size is usable after this long; nothing goes down.</summary>
    public double DiskGrowMinSeconds { get; init; } = 20;
    public double DiskGrowMaxSeconds { get; init; } = 90;

    /// <summary>Share of actions that do not take effect (a restart that brings the fault back, an aborted migration, a resize the cloud refuses). What they cost still happens.</summary>
    public double FailureRate { get; init; } = 0.02;

    /// <summary>A paged person: this long to acknowledge, then a fix drawn between the bounds, after which the fault is over.</summary>
    public double HumanAcknowledgeSeconds { get; init; } = 300;
    public double HumanFixMinSeconds { get; init; } = 1200;
    public double HumanFixMaxSeconds { get; init; } = 3600;

    public void Validate()
    {
        static void Range(double min, double max, string name)
        {
            if (min < 0 || max < min) throw new ArgumentException($"{name}: the bounds must satisfy 0 ≤ min ≤ max");
        }
        Range(RestartMinSeconds, RestartMaxSeconds, "restart seconds");
        Range(VmMemoryMinGiB, VmMemoryMaxGiB, "VM memory");
        Range(MigrationStunMinSeconds, MigrationStunMaxSeconds, "migration stun seconds");
        Range(DiskGrowMinSeconds, DiskGrowMaxSeconds, "disk grow seconds");
        Range(HumanFixMinSeconds, HumanFixMaxSeconds, "human fix seconds");
        if (MigrationGbps <= 0) throw new ArgumentException("migration bandwidth must be positive");
        if (MigrationDirtyShare is < 0 or >= 1) throw new ArgumentException("the migration dirty share must be in [0, 1)");
        if (ParallelMigrationsPerHost < 1) throw new ArgumentException("at least one migration at a time");
        if (FailureRate is < 0 or > 1) throw new ArgumentException("the failure rate must be in [0, 1]");
        if (HumanAcknowledgeSeconds < 0) throw new ArgumentException("the acknowledge time cannot be negative");
    }
}
