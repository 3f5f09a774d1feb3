using NovaOps.Detection.Offline;

namespace NovaOps.Detection.Tests;

/// <summary>What the single-series detector tests feed and read: a daily-like wave, and a series scored row by row.</summary>
internal static class SeriesRuns
{
    /// <summary>A wave of period 24 rows between 30 and 70.</summary>
    public static double Wave(int i) => 50 + 20 * Math.Sin(i * 2 * Math.PI / 24);

    /// <summary>Each value's score by a fresh detector, rows five minutes apart.</summary>
    public static double[] Score(Func<FeatureSchema, IAnomalyDetector> detector, IEnumerable<double> values)
    {
        var scorer = new SeriesScorer(detector);
        return [.. values.Select((v, i) => scorer.Next(300_000L * i, v))];
    }
}
