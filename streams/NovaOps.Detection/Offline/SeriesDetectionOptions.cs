using NovaOps.Detection.Likelihood;
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

    /// <summary>The contextual anomaly detector, the default for single series (<c>--detector cad</c>).</summary>
    public ContextualAnomaly.ContextualAnomalyOptions ContextualAnomaly { get; init; } = new();

    /// <summary>The context-novelty detector (<c>--detector context</c>).</summary>
    public Context.ContextDetectorOptions Context { get; init; } = new();

    /// <summary>The subspace detector for rows of several metrics (<c>--detector subspace</c>).</summary>
    public Subspace.SubspaceDetectorOptions Subspace { get; init; } = new();

    /// <summary>Score how unusual each series' recent scores are for it (<see cref="AnomalyLikelihoodDetector"/>), off by default.</summary>
    public AnomalyLikelihoodOptions Likelihood { get; init; } = new();

    /// <summary>The statistical detector with these settings: its likelihood when that is on, then the cooldown.</summary>
    public IAnomalyDetector StatisticalDetector(FeatureSchema schema) => Cooled(NormalisedStatistical(schema));

    /// <summary>
    /// The statistical detector, its likelihood when that is on, without the cooldown (for a detector that combines it;
    /// its score is a squashed z, read as it is).
    /// </summary>
    public IAnomalyDetector NormalisedStatistical(FeatureSchema schema) =>
        Normalised(new StatisticalDetector(schema, Statistical with { CooldownWindows = 0 }), LikelihoodInput.Score);

    /// <summary>A detector's likelihood (<see cref="Likelihood"/>, with its scores read on <paramref name="input"/>) when that is on; else the detector.</summary>
    public IAnomalyDetector Normalised(IAnomalyDetector raw, LikelihoodInput input) =>
        Likelihood.Enabled ? new AnomalyLikelihoodDetector(raw, Likelihood, input) : raw;

    /// <summary>The cooldown (one alarm per incident) on the scale of what <see cref="Normalised"/> gave.</summary>
    public IAnomalyDetector Cooled(IAnomalyDetector detector) =>
        new CooldownDetector(detector, Statistical.CooldownWindows, Likelihood.Enabled ? Likelihood.CooldownAbove : Statistical.CooldownAbove);

    /// <summary>A scorer for one series with these settings.</summary>
    public SeriesScorer CreateScorer() => new(StatisticalDetector, Features);
}
