namespace NovaOps.Evaluation.Nab;

/// <summary>One labelled series with the detector's score for every row.</summary>
/// <param name="Windows">labelled anomaly windows as inclusive row ranges, in order</param>
public sealed record NabSeries(string Name, IReadOnlyList<double> Scores, IReadOnlyList<(int Start, int End)> Windows)
{
    public int Rows => Scores.Count;

    /// <summary>Rows at the start that are never scored: min(floor(0.15 rows), 0.15 * 5000).</summary>
    public int Probation => (int)Math.Min(Math.Floor(0.15 * Rows), 0.15 * 5000);
}
