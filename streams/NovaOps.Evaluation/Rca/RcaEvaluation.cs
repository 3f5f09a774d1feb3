using System.Text.Json.Serialization;
using NovaOps.Rca;

namespace NovaOps.Evaluation.Rca;

/// <summary>RCAEval's figures for one method on one split: AC@k = share of cases whose true cause is in the top k; Avg@5 = mean of AC@1..AC@5.</summary>
public sealed record RcaScore(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("cases")] int Cases,
    [property: JsonPropertyName("ac1")] double Ac1,
    [property: JsonPropertyName("ac3")] double Ac3,
    [property: JsonPropertyName("avg5")] double Avg5,
    [property: JsonPropertyName("ranks")] IReadOnlyList<int?> Ranks);

public static class RcaEvaluation
{
    /// <summary>Scores each method on each split of <paramref name="cases"/>; a rank is 1-based, null when the cause is not among the candidates.</summary>
    public static IReadOnlyList<RcaScore> Evaluate(IReadOnlyList<LabelledCase> cases, RootCauseAnalyzer analyzer, IEnumerable<string> methods, IProgress<double>? progress = null)
    {
        var methodList = methods.ToList();
        var scores = new List<RcaScore>();
        int done = 0, total = methodList.Count * cases.Count;
        foreach (var method in methodList)
            foreach (var split in cases.GroupBy(c => c.Split))
            {
                var ranks = new List<int?>();
                foreach (var c in split)
                {
                    var result = analyzer.Analyze(c.Case, method);
                    int index = result.Candidates.ToList().FindIndex(x => x.Node == c.RootCause);
                    ranks.Add(index < 0 ? null : index + 1);
                    progress?.Report(++done / (double)total);
                }
                scores.Add(Score(result: ranks, method, split.Key));
            }
        return scores;
    }

    public static RcaScore Score(IReadOnlyList<int?> result, string method, string split)
    {
        double Ac(int k) => result.Count == 0 ? 0 : result.Count(r => r <= k) / (double)result.Count;
        return new RcaScore(method, split, result.Count, Math.Round(Ac(1), 4), Math.Round(Ac(3), 4),
            Math.Round(Enumerable.Range(1, 5).Average(Ac), 4), result);
    }
}
