namespace NovaOps.Evaluation.Classification;

/// <summary>Threshold-free and thresholded metrics of scores against binary labels.</summary>
public static class RankingMetrics
{
    /// <summary>
    /// Area under the precision-recall curve as average precision (the step-wise sum used by
    /// scikit-learn's average_precision_score): the standard metric for rare positives.
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        Check(scores, labels);
        int positives = labels.Count(l => l);
        if (positives == 0) return double.NaN;
        double ap = 0, lastRecall = 0;
        int tp = 0, seen = 0;
        foreach (var group in Ranked(scores, labels))
        {
            seen += group.Count;
            tp += group.Positives;
            if (group.Positives == 0) continue;
            double recall = (double)tp / positives, precision = (double)tp / seen;
            ap += (recall - lastRecall) * precision;
            lastRecall = recall;
        }
        return ap;
    }

    /// <summary>Area under the ROC curve (ties count one half).</summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        Check(scores, labels);
        long positives = labels.Count(l => l), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double area = 0;
        long negativesAbove = 0;
        foreach (var group in Ranked(scores, labels))
        {
            long groupNegatives = group.Count - group.Positives;
            area += group.Positives * (negativesAbove + groupNegatives / 2.0);
            negativesAbove += groupNegatives;
        }
        return 1 - area / (positives * (double)negatives);
    }

    /// <summary>Precision and recall when scores at or above <paramref name="threshold"/> are positive.</summary>
    public static (double Precision, double Recall) At(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold)
    {
        Check(scores, labels);
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            bool predicted = scores[i] >= threshold;
            if (predicted && labels[i]) tp++;
            else if (predicted) fp++;
            else if (labels[i]) fn++;
        }
        return (tp + fp == 0 ? 0 : (double)tp / (tp + fp), tp + fn == 0 ? 0 : (double)tp / (tp + fn));
    }

    /// <summary>The threshold with the best F1 (chosen on validation data, then applied to test data).</summary>
    public static double BestF1Threshold(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        Check(scores, labels);
        int positives = labels.Count(l => l);
        if (positives == 0) return double.PositiveInfinity;
        double best = -1, threshold = double.PositiveInfinity;
        int tp = 0, seen = 0;
        foreach (var group in Ranked(scores, labels))
        {
            seen += group.Count;
            tp += group.Positives;
            double f1 = 2.0 * tp / (seen + positives);
            if (f1 > best) { best = f1; threshold = group.Score; }
        }
        return threshold;
    }

    private readonly record struct Group(double Score, int Count, int Positives);

    // Scores in descending order, tied scores grouped (a threshold cannot separate them).
    private static IEnumerable<Group> Ranked(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        int k = 0;
        while (k < order.Length)
        {
            double s = scores[order[k]];
            int count = 0, positives = 0;
            while (k < order.Length && scores[order[k]] == s) { count++; if (labels[order[k]]) positives++; k++; }
            yield return new Group(s, count, positives);
        }
    }

    private static void Check(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count) throw new ArgumentException($"{scores.Count} scores for {labels.Count} labels");
        if (scores.Any(double.IsNaN)) throw new ArgumentException("a score is NaN");
    }
}
