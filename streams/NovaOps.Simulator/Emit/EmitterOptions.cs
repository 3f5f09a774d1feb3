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

    /// <summary>
    /// Act as the fleet's control plane: read the fleet-commands topic and start each command at the tick it
    /// arrives (the remediation loop closes through it); it takes effect when it is over, at its cost
    /// (<see cref="SimulatorOptions.ActionCosts"/>). A fault an action ends gets a second label with
    /// <c>resolved_ms</c> (when the action was over); a moved VM gets a new topology record.
    /// </summary>
    public bool AcceptCommands { get; init; }

    /// <summary>How much a degraded VM-second counts against availability (0: not at all, 1: as a down one).</summary>
    public double DegradedWeight { get; init; } = 0.5;

    /// <summary>
    /// Called before each tick with the records published so far; the emitter waits for it to finish. A load test
    /// holds simulated time back while its consumers catch up (as fast as the apps keep up, not as fast as the broker
    /// takes records).
    /// </summary>
    public Func<long, CancellationToken, Task>? BeforeTick { get; init; }

    /// <summary>
    /// With <see cref="AcceptCommands"/>: each tick first reads the fleet-commands topic to its end as of then, not only
    /// what has arrived. With a <see cref="BeforeTick"/> that waits until the deciders have handled the evidence of the
    /// ticks before, a decision lands at the tick after its evidence, however far behind the wall clock they run.
    /// </summary>
    public bool ReadCommandsToEnd { get; init; }

    /// <summary>The longest a tick waits for <see cref="ReadCommandsToEnd"/>; past it the tick runs and counts a stall.</summary>
    public TimeSpan CommandWait { get; init; } = TimeSpan.FromSeconds(30);
}
