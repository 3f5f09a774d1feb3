namespace NovaOps.Cli.Demo;

/// <summary>What one demo run does.</summary>
public sealed record DemoOptions
{
    public int Vms { get; init; } = 1000;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>The simulator's seed: by default the first held-out seed, never one the models were trained on.</summary>
    public int Seed { get; init; } = NovaOps.Simulator.SimulatorSeeds.Evaluation[0];
    public string? BootstrapServers { get; init; }
    /// <summary>Telemetry records per wall second the simulator publishes.</summary>
    public double Rate { get; init; } = 20_000;
    /// <summary>Bad records (corrupt bytes, unknown schema, out-of-range values) per million, as a real fleet's agents send.</summary>
    public int MalformedPerMillion { get; init; } = 100;
    public bool Live { get; init; } = true;
    /// <summary>The detector to run; null: the settings' Anomaly:Detector.</summary>
    public Streams.Anomaly.Scoring.DetectorMode? Detector { get; init; }
    /// <summary>Whether the remediation executor acts on the simulated fleet, only audits (dry run), or does not run (with or without an on-call paged by alarms).</summary>
    public RemediationMode Remediation { get; init; } = RemediationMode.On;
    /// <summary>The simulated on-call approves destructive actions this long (simulated time) after they are asked for; null: nobody approves.</summary>
    public TimeSpan? ApproveAfter { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Where to record the run for <c>novaops report</c> (<see cref="RunRecord"/>); null: not recorded.</summary>
    public string? RunDirectory { get; init; }
    /// <summary>Mean faults per simulated hour over the fleet; null: the simulator's default.</summary>
    public double? FaultsPerHour { get; init; }
}

public enum RemediationMode
{
    On,
    DryRun,
    /// <summary>Nothing acts on the fleet: every fault runs its natural course (what detection is measured on).</summary>
    Off,
    /// <summary>No executor; the on-call is paged by every alarm and fixes what it names (the closed loop's baseline).</summary>
    OnCall,
}
