namespace NovaOps.Detection;

/// <summary>
/// The feature vector of one window: for each metric, in this order, the window's mean, max, slope
/// (units per minute) and robust z-score of the mean against the entity's own history.
/// Models are validated against this schema when they load.
/// </summary>
public sealed class FeatureSchema
{
    public const int PerMetric = 4;
    public const int Mean = 0, Max = 1, Slope = 2, RobustZ = 3;
    private static readonly string[] Suffixes = ["mean", "max", "slope", "robust_z"];

    public IReadOnlyList<string> Metrics { get; }

    public int MetricCount => Metrics.Count;

    public int Length => Metrics.Count * PerMetric;

    public FeatureSchema(IReadOnlyList<string> metrics)
    {
        if (metrics.Count == 0) throw new ArgumentException("a feature schema needs at least one metric", nameof(metrics));
        if (metrics.Distinct().Count() != metrics.Count) throw new ArgumentException("metric names must be unique", nameof(metrics));
        Metrics = metrics;
    }

    public static int Index(int metric, int feature) => metric * PerMetric + feature;

    /// <summary>Feature names such as <c>cpu_util.mean</c>, in vector order.</summary>
    public IEnumerable<string> FeatureNames => Metrics.SelectMany(m => Suffixes.Select(s => $"{m}.{s}"));
}
