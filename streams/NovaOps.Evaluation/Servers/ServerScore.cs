using NovaOps.Evaluation.Classification;

namespace NovaOps.Evaluation.Servers;

/// <summary>
/// Point-wise figures of one server's scores against its labels: average precision, the best F1 over thresholds with
/// no point adjustment (a segment counts row by row), and the share of labelled segments with a row at or above that
/// best threshold.
/// </summary>
public sealed record ServerScore(string Server, double AveragePrecision, double BestF1, double Threshold, double EventRecall, int Segments)
{
    public static ServerScore Of(string server, IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        double threshold = RankingMetrics.BestF1Threshold(scores, labels);
        var (precision, recall) = RankingMetrics.At(scores, labels, threshold);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        var segments = SegmentsOf(labels);
        int found = segments.Count(s => Enumerable.Range(s.Start, s.End - s.Start + 1).Any(i => scores[i] >= threshold));
        return new ServerScore(server, RankingMetrics.AveragePrecision(scores, labels), f1, threshold,
            segments.Count == 0 ? double.NaN : (double)found / segments.Count, segments.Count);
    }

    /// <summary>Runs of consecutive positive labels, as inclusive row ranges.</summary>
    public static IReadOnlyList<(int Start, int End)> SegmentsOf(IReadOnlyList<bool> labels)
    {
        var result = new List<(int, int)>();
        for (int i = 0; i < labels.Count; i++)
        {
            if (!labels[i]) continue;
            int start = i;
            while (i + 1 < labels.Count && labels[i + 1]) i++;
            result.Add((start, i));
        }
        return result;
    }
}
