namespace NovaOps.Evaluation.Statistics;

/// <summary>The median the evaluations report (detection delay, lead time, time to recover).</summary>
public static class Median
{
    /// <summary>The middle value, or the mean of the two middle ones; null when there are none.</summary>
    public static double? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return null;
        int half = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }
}
