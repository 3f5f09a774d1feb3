namespace NovaOps.Simulator.Emit;

/// <summary>How fast and how long the simulator publishes.</summary>
public sealed record EmitterOptions
{
    /// <summary>Records per wall-clock second; 0 publishes as fast as the broker takes them.</summary>
    public double RecordsPerSecond { get; init; }

    /// <summary>Ticks to simulate (each tick is one sample of every VM).</summary>
    public long Ticks { get; init; } = 360;

    /// <summary>
    /// Bad records per million, as a real fleet's agents send now and then: corrupt bytes, a schema
    /// version from the future, negative utilisation, NaN. They exercise the dead-letter path.
    /// </summary>
    public int MalformedPerMillion { get; init; }
}
