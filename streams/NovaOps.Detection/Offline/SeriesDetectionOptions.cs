using NovaOps.Detection.Statistical;

namespace NovaOps.Detection.Offline;

/// <summary>
/// Detector settings for single exported series (<c>novaops detect</c>, <c>novaops eval nab</c>; section
/// <c>Series</c>). Such series are sparse (one row every few minutes) and an alarm should fire once per
/// incident, so: no novelty discount, and a cooldown of 300 rows after a 0.9 alarm. Chosen on NAB's
/// development subset only; the figures are in docs/benchmarks.md.
/// </summary>
public sealed record SeriesDetectionOptions
{
    public FeatureOptions Features { get; init; } = new();

    public StatisticalDetectorOptions Statistical { get; init; } = new()
    {
        NoveltyDiscount = 0,
        CooldownWindows = 300,
        CooldownAbove = 0.9,
    };

    /// <summary>A scorer for one series with these settings.</summary>
    public SeriesScorer CreateScorer() => new(schema => new StatisticalDetector(schema, Statistical), Features);
}
