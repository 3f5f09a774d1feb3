namespace NovaOps.Contracts;

/// <summary>Bounds a telemetry sample must respect to enter the pipeline.</summary>
public sealed record TelemetryValidationOptions
{
    /// <summary>How far ahead of the reader's clock a timestamp may be (clock skew of agents).</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest accepted byte rate, to catch counters that wrapped or were sent raw.</summary>
    public double MaxBytesPerSecond { get; init; } = 1e12;

    /// <summary>Largest accepted p99 latency in milliseconds (one hour).</summary>
    public double MaxLatencyMs { get; init; } = 3_600_000;
}
