using System.Text.Json.Serialization;
using NovaOps.Rca;

namespace NovaOps.Evaluation.Rca;

/// <summary>
/// RCAEval's figures for one method on one split: AC@k = share of cases whose true cause is in the top k; Avg@5 = mean
/// of AC@1..AC@5. <paramref name="ByType"/> has the same figures per kind of fault when the dataset names the kinds;
/// <paramref name="Default"/> marks the analyzer's default method; <paramref name="MsPerCase"/> is the median time to
/// gather a case's evidence and rank it, over every case of the method.
/// </summary>
public sealed record RcaScore(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("cases")] int Cases,
    [property: JsonPropertyName("ac1")] double Ac1,
    [property: JsonPropertyName("ac3")] double Ac3,
    [property: JsonPropertyName("ac5")] double Ac5,
    [property: JsonPropertyName("avg5")] double Avg5,
    [property: JsonPropertyName("ranks")] IReadOnlyList<int?> Ranks,
    [property: JsonPropertyName("by_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, RcaScore>? ByType = null,
    [property: JsonPropertyName("default"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Default = false,
    [property: JsonPropertyName("ms_per_case")] double MsPerCase = 0);

public static class RcaEvaluation
{
    /// <summary>The split over every case, reported when the cases come in several splits of equal standing (the days of a dataset).</summary>
    public const string All = "all";

    /// <summary>
    /// Scores each method on each split of <paramref name="cases"/> (and on <see cref="All"/> when <paramref name="overAll"/>);
    /// a rank is 1-based, null when the cause is not among the candidates. Each case is ranked once per method.
    /// </summary>
    public static IReadOnlyList<RcaScore> Evaluate(IReadOnlyList<LabelledCase> cases, RootCauseAnalyzer analyzer, IEnumerable<string> methods,
        IProgress<double>? progress = null, bool overAll = false)
    {
        var methodList = methods.ToList();
        var scores = new List<RcaScore>();
        int done = 0, total = methodList.Count * cases.Count;
        foreach (var method in methodList)
        {
            var ranks = new List<int?>(cases.Count);
            var times = new List<double>(cases.Count);
            foreach (var c in cases)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                var result = analyzer.Analyze(c.Case, method);
                times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                int index = result.Candidates.ToList().FindIndex(x => x.Node == c.RootCause);
                ranks.Add(index < 0 ? null : index + 1);
                progress?.Report(++done / (double)total);
            }
            bool isDefault = string.Equals(method, RootCauseAnalyzer.DefaultMethod, StringComparison.OrdinalIgnoreCase);
            var ranked = cases.Zip(ranks, (c, r) => (Case: c, Rank: r)).ToList();
            var splits = ranked.GroupBy(x => x.Case.Split).Select(g => (g.Key, g.ToList())).ToList();
            if (overAll) splits.Add((All, ranked));
            foreach (var (split, members) in splits)
                scores.Add(Score(members.Select(m => m.Rank).ToList(), method, split) with
                {
                    Default = isDefault,
                    MsPerCase = Math.Round(NovaOps.Evaluation.Statistics.Median.Of(times) ?? 0, 3),
                    ByType = members.Any(m => m.Case.Kind is not null)
                        ? members.GroupBy(m => m.Case.Kind ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal)
                            .ToDictionary(g => g.Key, g => Score(g.Select(m => m.Rank).ToList(), method, split))
                        : null,
                });
        }
        return scores;
    }

    public static RcaScore Score(IReadOnlyList<int?> result, string method, string split)
    {
        double Ac(int k) => result.Count == 0 ? 0 : result.Count(r => r <= k) / (double)result.Count;
        return new RcaScore(method, split, result.Count, Math.Round(Ac(1), 4), Math.Round(Ac(3), 4), Math.Round(Ac(5), 4),
            Math.Round(Enumerable.Range(1, 5).Average(Ac), 4), result);
    }
}
