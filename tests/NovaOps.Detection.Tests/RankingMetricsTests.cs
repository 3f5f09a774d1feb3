using NovaOps.Evaluation.Classification;

namespace NovaOps.Detection.Tests;

public class RankingMetricsTests
{
    private static readonly double[] Scores = [0.9, 0.8, 0.7, 0.6];
    private static readonly bool[] Labels = [true, false, true, false];

    [Fact]
    public void Average_precision_and_roc_auc_match_hand_computed_values()
    {
        Assert.Equal(0.5 * 1 + 0.5 * (2.0 / 3), RankingMetrics.AveragePrecision(Scores, Labels), 9);
        Assert.Equal(0.75, RankingMetrics.RocAuc(Scores, Labels), 9);
        Assert.Equal(1.0, RankingMetrics.AveragePrecision([0.9, 0.1], [true, false]), 9);
        Assert.Equal(0.5, RankingMetrics.RocAuc([0.5, 0.5], [true, false]), 9); // a tie is a coin flip
    }

    [Fact]
    public void Thresholds_pick_the_best_f1_and_count_precision_and_recall()
    {
        double t = RankingMetrics.BestF1Threshold(Scores, Labels);
        Assert.Equal(0.7, t);
        var (p, r) = RankingMetrics.At(Scores, Labels, t);
        Assert.Equal(2.0 / 3, p, 9);
        Assert.Equal(1.0, r, 9);
    }
}
