namespace NovaOps.Detection.Statistical;

/// <summary>Tuning of the statistical detector. Defaults are set on NAB's development subset (docs/benchmarks.md).</summary>
public sealed record StatisticalDetectorOptions
{
    /// <summary>Combined robust z at which the score reaches 0.5.</summary>
    public double HalfScoreZ { get; init; } = 4.0;

    /// <summary>A metric with |z| below this does not count as contributing.</summary>
    public double ContributionZ { get; init; } = 2.0;

    /// <summary>Baseline of the window-to-window change of each metric (catches steps and spikes on noisy levels).</summary>
    public RobustBaselineOptions ChangeBaseline { get; init; } = new();
}
