namespace NovaOps.Detection.Offline;

/// <summary>
/// A single series' window features made independent of its units, for a model that scores series of
/// any scale (NAB's run from fractions to millions): the window's mean, max and slope are expressed in
/// units of the series' own robust spread around its running level, next to the robust z-score. The
/// running level and spread are the entity's state (no look-ahead).
/// </summary>
public static class ScaleFreeFeatures
{
    public const int StateLength = RobustBaseline.Length;

    /// <summary>The scale-free features of one row, in order.</summary>
    public static readonly IReadOnlyList<string> Names = ["value.mean_z", "value.max_z", "value.slope_z", "value.robust_z"];

    /// <summary>
    /// Rows a series model reads at once. One row alone is a single point on a line (a one-row window has
    /// mean = max and no slope, so its four features move together), which an autoencoder reconstructs
    /// at any distance; several rows give it a shape to learn (measured: 15.9 on NAB with one row).
    /// </summary>
    public const int HistoryRows = 8;

    /// <summary>The model-facing names of the last <see cref="HistoryRows"/> rows, oldest first.</summary>
    public static readonly IReadOnlyList<string> HistoryNames =
        [.. Enumerable.Range(0, HistoryRows).SelectMany(r => Names.Select(n => $"t-{HistoryRows - 1 - r}.{n}"))];

    /// <summary>State of a series scored with history: the level, then the ring of rows.</summary>
    public static int HistoryStateLength => StateLength + FeatureHistory.Length(HistoryRows, Names.Count);

    public static void Init(Span<double> state) => RobustBaseline.Init(state);

    public static void InitWithHistory(Span<double> state)
    {
        RobustBaseline.Init(state[..StateLength]);
        FeatureHistory.Init(state[StateLength..]);
    }

    /// <summary>
    /// Adds a row's scale-free features to the history; when it holds <see cref="HistoryRows"/> rows,
    /// writes them oldest first to <paramref name="flat"/> and returns true.
    /// </summary>
    public static bool ApplyWithHistory(Span<double> state, ReadOnlySpan<double> features, Span<float> flat, in RobustBaselineOptions options)
    {
        Span<double> row = stackalloc double[Names.Count];
        Apply(state[..StateLength], features, row, options);
        var history = state[StateLength..];
        if (FeatureHistory.Push(history, HistoryRows, Names.Count, row) < HistoryRows) return false;
        FeatureHistory.CopyOrdered(history, HistoryRows, Names.Count, flat);
        return true;
    }

    /// <summary>
    /// Turns one metric's [mean, max, slope, robust_z] into the scale-free four (0 while the level is
    /// warming up), then lets the window's mean join the level.
    /// </summary>
    public static void Apply(Span<double> state, ReadOnlySpan<double> features, Span<double> result, in RobustBaselineOptions options)
    {
        double mean = features[FeatureSchema.Mean], level = RobustBaseline.Location(state);
        result[0] = double.IsNaN(mean) ? 0 : RobustBaseline.ZScore(state, mean, options);
        result[1] = double.IsNaN(features[FeatureSchema.Max]) ? 0 : RobustBaseline.ZScore(state, features[FeatureSchema.Max], options);
        // A slope of s per minute is s / spread in these units: the z-score of level + s.
        result[2] = double.IsNaN(features[FeatureSchema.Slope]) ? 0 : RobustBaseline.ZScore(state, level + features[FeatureSchema.Slope], options);
        result[3] = features[FeatureSchema.RobustZ];
        RobustBaseline.Update(state, mean, options);
    }
}
