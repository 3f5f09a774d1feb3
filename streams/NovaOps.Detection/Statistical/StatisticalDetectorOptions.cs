namespace NovaOps.Detection.Statistical;

/// <summary>
/// Tuning of the statistical detector. The defaults suit per-VM telemetry in 1-minute windows (the
/// anomaly topology, judged by the demo's precision/recall); offline series use
/// <see cref="Offline.SeriesDetectionOptions"/>, tuned on NAB's development subset only.
/// </summary>
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

    /// <summary>
    /// After a window scores at or above <see cref="CooldownAbove"/>, the next this many windows of the
    /// entity score 0: one alarm per incident instead of one per window of it. 0 turns it off.
    /// </summary>
    public int CooldownWindows { get; init; }

    /// <summary>Score that starts a cooldown.</summary>
    public double CooldownAbove { get; init; } = 0.9;
}
