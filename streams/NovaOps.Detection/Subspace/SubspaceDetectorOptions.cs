namespace NovaOps.Detection.Subspace;

/// <summary>
/// How a <see cref="SubspaceDetector"/> learns an entity's normal relations between its metrics and scores a row. The
/// defaults of the variance, inside weight, smallest deviation and smoothing are the best mean of <c>novaops tune
/// servers</c>'s two folds of ASD development servers (docs/benchmarks.md has the grid and what the choice scores on a
/// fold it did not see).
/// </summary>
public sealed record SubspaceDetectorOptions
{
    /// <summary>Rows over which the means and covariances are learnt: a plain average up to this many, then forgetting at that rate.</summary>
    public int HistoryRows { get; init; } = 8640;

    /// <summary>Rows before the first score (and the first decomposition).</summary>
    public int WarmUpRows { get; init; } = 50;

    /// <summary>Rows between two decompositions of the learnt correlations.</summary>
    public int RefreshRows { get; init; } = 100;

    /// <summary>Share of the variance the normal subspace explains (PCA's usual 90 %).</summary>
    public double VarianceExplained { get; init; } = 0.95;

    /// <summary>
    /// Weight of the distance inside the normal subspace (Hotelling's T², each component in units of its own spread)
    /// next to the distance from it (the squared prediction error, in units of the residual spread): 0 scores the
    /// residual alone, as plain PCA does.
    /// </summary>
    public double InsideWeight { get; init; } = 0.5;

    /// <summary>Smallest standard deviation of a metric, so that a metric constant in history cannot dominate every later row.</summary>
    public double MinStandardDeviation { get; init; } = 1e-3;

    /// <summary>Rows over which the row distance is averaged before it is scored (1: none); anomalies last several rows.</summary>
    public int SmoothingRows { get; init; } = 6;

    /// <summary>
    /// The row distance (about 1 on a normal row) that scores 0.5: the score is 1 − 2^(−distance / this), the same
    /// mapping for every entity, so that one threshold means the same everywhere and a row's rank never drifts.
    /// </summary>
    public double HalfScoreDistance { get; init; } = 10;

    public void Validate()
    {
        if (HistoryRows < 2) throw new ArgumentOutOfRangeException(nameof(HistoryRows), "at least 2 rows");
        if (WarmUpRows < 2) throw new ArgumentOutOfRangeException(nameof(WarmUpRows), "at least 2 rows");
        if (RefreshRows < 1) throw new ArgumentOutOfRangeException(nameof(RefreshRows), "at least 1 row");
        if (VarianceExplained is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(VarianceExplained), "in (0, 1]");
        if (InsideWeight < 0) throw new ArgumentOutOfRangeException(nameof(InsideWeight), "not negative");
        if (MinStandardDeviation <= 0) throw new ArgumentOutOfRangeException(nameof(MinStandardDeviation), "positive");
        if (HalfScoreDistance <= 0) throw new ArgumentOutOfRangeException(nameof(HalfScoreDistance), "positive");
        if (SmoothingRows < 1) throw new ArgumentOutOfRangeException(nameof(SmoothingRows), "at least 1 row");
    }
}
