namespace NovaOps.Detection.Statistical;

/// <summary>
/// A detector that needs no training: per metric, the robust z-score of the window mean against the
/// entity's level (from the features) and of the change since the previous window against the
/// entity's usual changes; the largest |z| over metrics maps to a score in [0, 1].
/// </summary>
public sealed class StatisticalDetector(FeatureSchema schema, StatisticalDetectorOptions options) : IAnomalyDetector
{
    private const int PerMetric = RobustBaseline.Length + 2; // change baseline, previous mean, recent deviation
    private readonly RobustBaselineOptions _change = options.ChangeBaseline;
    private readonly double _decay = Math.Pow(0.5, 1.0 / Math.Max(1e-9, options.RecentDeviationHalfLife));

    public StatisticalDetector(FeatureSchema schema) : this(schema, new StatisticalDetectorOptions()) { }

    public string Name => "statistical-robust-z/1";

    public FeatureSchema Schema { get; } = schema;

    // Per metric: change baseline, previous mean, recent deviation; then one cooldown counter for the entity.
    public int StateLength => Schema.MetricCount * PerMetric + 1;

    public void InitState(Span<double> state)
    {
        for (int m = 0; m < Schema.MetricCount; m++)
        {
            RobustBaseline.Init(state.Slice(m * PerMetric, RobustBaseline.Length));
            state[m * PerMetric + RobustBaseline.Length] = double.NaN;
            state[m * PerMetric + RobustBaseline.Length + 1] = 0;
        }
        state[Schema.MetricCount * PerMetric] = 0;
    }

    public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
    {
        int metrics = Schema.MetricCount;
        Span<double> strength = stackalloc double[metrics];
        double zMax = 0, sumSq = 0;
        for (int m = 0; m < metrics; m++)
        {
            double mean = features[FeatureSchema.Index(m, FeatureSchema.Mean)];
            double zLevel = features[FeatureSchema.Index(m, FeatureSchema.RobustZ)];
            var change = state.Slice(m * PerMetric, RobustBaseline.Length);
            ref double previous = ref state[m * PerMetric + RobustBaseline.Length];
            ref double recent = ref state[m * PerMetric + RobustBaseline.Length + 1];

            double zChange = 0;
            if (double.IsFinite(mean))
            {
                if (double.IsFinite(previous))
                {
                    double delta = mean - previous;
                    zChange = RobustBaseline.ZScore(change, delta, _change);
                    RobustBaseline.Update(change, delta, _change);
                }
                previous = mean;
            }

            double zRaw = Math.Max(Math.Abs(double.IsFinite(zLevel) ? zLevel : 0), Math.Abs(zChange));
            double z = Math.Max(0, zRaw - options.NoveltyDiscount * recent);
            recent = Math.Max(zRaw, recent * _decay);
            strength[m] = z;
            if (z > zMax) zMax = z;
            if (z >= options.ContributionZ) sumSq += z * z;
        }

        for (int m = 0; m < metrics; m++)
            contributions[m] = sumSq > 0 && strength[m] >= options.ContributionZ ? strength[m] * strength[m] / sumSq : 0;

        // 1 - 2^-(z/h)^2: 0 at z = 0, 0.5 at z = h, about 0.94 at z = 2h; monotone, so a threshold on the score is one on z.
        double r = zMax / options.HalfScoreZ;
        double score = 1 - Math.Exp(-Math.Log(2) * r * r);

        // The baselines above keep learning during a cooldown; only the alarm is held back.
        ref double cooldown = ref state[metrics * PerMetric];
        if (cooldown > 0)
        {
            cooldown--;
            contributions.Clear();
            return 0;
        }
        if (options.CooldownWindows > 0 && score >= options.CooldownAbove) cooldown = options.CooldownWindows;
        return score;
    }
}
