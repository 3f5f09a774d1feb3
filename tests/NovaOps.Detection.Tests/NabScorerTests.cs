using NovaOps.Evaluation.Nab;

namespace NovaOps.Detection.Tests;

public class NabScorerTests
{
    private static readonly NabProfile Standard = NabProfile.Defaults[0];

    private static NabSeries Series(int rows, (int, int)[] windows, params int[] detections)
    {
        var scores = new double[rows];
        foreach (int d in detections) scores[d] = 1;
        return new NabSeries("s", scores, windows);
    }

    [Fact]
    public void Probation_is_fifteen_percent_capped_at_750_rows()
    {
        Assert.Equal(150, Series(1000, []).Probation);
        Assert.Equal(750, Series(10_000, []).Probation);
    }

    [Fact]
    public void Detection_at_window_start_is_perfect_and_never_firing_is_null()
    {
        var perfect = NabScorer.Score([Series(1000, [(500, 599)], 500)], Standard);
        Assert.Equal(100, perfect.NormalisedScore, 6);
        var none = NabScorer.Score([Series(1000, [(500, 599)])], Standard);
        Assert.Equal(0, none.NormalisedScore, 6);
        Assert.Equal(1, none.FalseNegatives);
    }

    [Fact]
    public void Later_detection_is_worth_less_and_only_the_first_counts()
    {
        double early = NabScorer.RawScore([Series(1000, [(500, 599)], 510)], Standard, 0.5);
        double late = NabScorer.RawScore([Series(1000, [(500, 599)], 590)], Standard, 0.5);
        double twice = NabScorer.RawScore([Series(1000, [(500, 599)], 510, 520)], Standard, 0.5);
        Assert.True(early > late && late > 0);
        Assert.Equal(early, twice, 9);
    }

    [Fact]
    public void False_positives_cost_fp_weight_and_less_just_after_a_window()
    {
        double far = NabScorer.RawScore([Series(1000, [(500, 599)], 300)], Standard, 0.5);
        Assert.Equal(-1 - 0.11, far, 9); // missed window + a full FP
        double near = NabScorer.RawScore([Series(1000, [(500, 599)], 500, 605)], Standard, 0.5);
        double atStart = NabScorer.RawScore([Series(1000, [(500, 599)], 500)], Standard, 0.5);
        Assert.InRange(near - atStart, -0.11, 0);
        double inProbation = NabScorer.RawScore([Series(1000, [(500, 599)], 10)], Standard, 0.5);
        Assert.Equal(-1, inProbation, 9);
    }
}
