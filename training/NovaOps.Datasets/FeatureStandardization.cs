namespace NovaOps.Datasets;

/// <summary>
/// Per-feature mean and standard deviation, fitted on training windows only, and the bound standardised
/// values are clipped to (a fault drives robust z-scores into the thousands).
/// </summary>
public sealed record FeatureStandardization(float[] Mean, float[] Std, float Clip)
{
    /// <summary>Standardised features are clipped to ± this by default.</summary>
    public const float DefaultClip = 8f;

    /// <summary>One feature, standardised and clipped.</summary>
    public float Apply(int feature, float value) => Math.Clamp((value - Mean[feature]) / Std[feature], -Clip, Clip);

    /// <summary>Fits on the given rows; a constant feature gets std 1 so it passes through centred.</summary>
    public static FeatureStandardization Fit(IEnumerable<float[]> rows, int features, float clip = DefaultClip)
    {
        var sum = new double[features];
        var sumSq = new double[features];
        long n = 0;
        foreach (var row in rows)
        {
            if (row.Length != features) throw new ArgumentException($"row of {row.Length} features, expected {features}");
            for (int i = 0; i < features; i++)
            {
                if (!float.IsFinite(row[i])) throw new ArgumentException($"feature {i} is not finite in a training row");
                sum[i] += row[i];
                sumSq[i] += (double)row[i] * row[i];
            }
            n++;
        }
        if (n == 0) throw new ArgumentException("cannot fit a standardisation on an empty training set");
        var mean = new float[features];
        var std = new float[features];
        for (int i = 0; i < features; i++)
        {
            double m = sum[i] / n;
            double variance = Math.Max(0, sumSq[i] / n - m * m);
            double s = Math.Sqrt(variance);
            mean[i] = (float)m;
            std[i] = s > 1e-6 * Math.Max(1, Math.Abs(m)) ? (float)s : 1f;
        }
        return new FeatureStandardization(mean, std, clip);
    }
}
