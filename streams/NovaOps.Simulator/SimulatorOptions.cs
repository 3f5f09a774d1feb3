namespace NovaOps.Simulator;

/// <summary>Shape of the simulated fleet and of its faults. Same options and seed, same telemetry.</summary>
public sealed record SimulatorOptions
{
    public int Seed { get; init; } = 42;
    public int Vms { get; init; } = 1000;
    public IReadOnlyList<string> Regions { get; init; } = ["eu-west"];
    public int ZonesPerRegion { get; init; } = 3;
    public int VmsPerHost { get; init; } = 16;
    /// <summary>VMs of one service share its load curve (correlated VMs).</summary>
    public int VmsPerService { get; init; } = 8;
    public int VmsPerTenant { get; init; } = 40;

    /// <summary>Simulated time between two samples of a VM.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Simulated start; default: chosen by the caller so that the run ends near the wall clock.</summary>
    public DateTimeOffset Start { get; init; } = DateTimeOffset.UnixEpoch.AddYears(56);

    /// <summary>No fault starts before this much simulated time, so that detectors learn what normal is.</summary>
    public TimeSpan FaultFreePrefix { get; init; } = TimeSpan.FromMinutes(40);

    /// <summary>Mean number of faults per simulated hour over the whole fleet.</summary>
    public double FaultsPerHour { get; init; } = 4;

    /// <summary>Relative weights of the fault kinds.</summary>
    public IReadOnlyDictionary<Contracts.FaultKind, double> FaultMix { get; init; } = DefaultMix;

    /// <summary>What remediation actions cost in this fleet: their durations, downtime, failures, and a paged person's time.</summary>
    public Control.ActionCostOptions ActionCosts { get; init; } = new();

    public static readonly IReadOnlyDictionary<Contracts.FaultKind, double> DefaultMix = new Dictionary<Contracts.FaultKind, double>
    {
        [Contracts.FaultKind.MemoryLeak] = 3,
        [Contracts.FaultKind.CpuRunaway] = 3,
        [Contracts.FaultKind.DiskFilling] = 2,
        [Contracts.FaultKind.NoisyNeighbour] = 2,
        [Contracts.FaultKind.HostFailure] = 1,
        [Contracts.FaultKind.ZoneNetworkDegradation] = 0.5,
    };

    /// <summary>
    /// These options with <see cref="Start"/> set so that <paramref name="ticks"/> ticks end at, or up to a
    /// minute before, <paramref name="end"/>: a run that ends "now" has realistic timestamps, never in the
    /// future. The start falls on a whole minute, so every run of a seed puts its samples in the same
    /// places of the (minute-aligned) feature windows and detects the same anomalies.
    /// </summary>
    public SimulatorOptions EndingAt(DateTimeOffset end, long ticks)
    {
        long startMs = (end - SampleInterval * ticks).ToUnixTimeMilliseconds();
        long aligned = (long)Math.Floor(startMs / 60_000.0) * 60_000;
        return this with { Start = DateTimeOffset.FromUnixTimeMilliseconds(aligned) };
    }

    public void Validate()
    {
        if (Vms < 1) throw new ArgumentException("the fleet needs at least one VM");
        if (Regions.Count == 0) throw new ArgumentException("the fleet needs at least one region");
        if (ZonesPerRegion < 1 || VmsPerHost < 1 || VmsPerService < 1 || VmsPerTenant < 1)
            throw new ArgumentException("zones, VMs per host, per service and per tenant must be positive");
        if (SampleInterval <= TimeSpan.Zero) throw new ArgumentException("the sample interval must be positive");
        if (FaultsPerHour < 0) throw new ArgumentException("faults per hour cannot be negative");
        ActionCosts.Validate();
    }
}
