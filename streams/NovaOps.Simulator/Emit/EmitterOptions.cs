namespace NovaOps.Simulator.Emit;

/// <summary>How fast and how long the simulator publishes.</summary>
public sealed record EmitterOptions
{
    /// <summary>Records per wall-clock second; 0 publishes as fast as the broker takes them.</summary>
    public double RecordsPerSecond { get; init; }

    /// <summary>Ticks to simulate (each tick is one sample of every VM).</summary>
    public long Ticks { get; init; } = 360;
}
