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

    /// <summary>
    /// Half-life, in windows, of each metric's memory of recent deviations. A deviation scores by
    /// how much it exceeds what this entity has recently shown, so a condition that persists (or a
    /// daily peak seen yesterday) stops alarming, while a new, larger one alarms at once.
    /// </summary>
    public double RecentDeviationHalfLife { get; init; } = 288;

    /// <summary>Share of the recent deviation a new one must exceed before it counts (0 turns the novelty test off).</summary>
    public double NoveltyDiscount { get; init; } = 1.0;
}
