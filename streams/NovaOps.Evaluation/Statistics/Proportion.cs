using System.Text.Json.Serialization;

namespace NovaOps.Evaluation.Statistics;

/// <summary>A 95 % interval of a figure.</summary>
public sealed record Interval95(
    [property: JsonPropertyName("low")] double Low,
    [property: JsonPropertyName("high")] double High);

/// <summary>Intervals of a rate the evaluations report (automation, harm, incident precision and recall).</summary>
public static class Proportion
{
    /// <summary>Wilson score interval of <paramref name="successes"/> in <paramref name="n"/> at 95 %; [0, 1] with no trial.</summary>
    public static Interval95 Wilson(int successes, int n)
    {
        if (n == 0) return new Interval95(0, 1);
        const double z = 1.959964;
        double p = successes / (double)n, z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.Sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
        return new Interval95(Math.Round(Math.Max(0, centre - half), 4), Math.Round(Math.Min(1, centre + half), 4));
    }
}

/// <summary>Quantiles the evaluations report (time to decide p50 and p99).</summary>
public static class Quantile
{
    /// <summary>The <paramref name="q"/> quantile by nearest rank, rounded to ms; null when there are no values.</summary>
    public static double? NearestRank(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)], 3);
    }
}
