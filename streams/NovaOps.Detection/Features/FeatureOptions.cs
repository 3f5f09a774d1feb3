namespace NovaOps.Detection;

/// <summary>How telemetry is cut into windows and how each entity's normal level is learnt.</summary>
public sealed record FeatureOptions
{
    /// <summary>Length of the tumbling feature window (aligned to the epoch, so every instance cuts the same windows).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Baseline of each metric's window mean, the reference of the robust z-score.</summary>
    public RobustBaselineOptions Baseline { get; init; } = new();
}
