using NovaOps.Cli.Tuning;

namespace NovaOps.Cli.Tests;

public class FoldTuningTests
{
    [Fact]
    public void Each_fold_is_scored_by_the_candidate_best_on_the_other_folds()
    {
        // Items 0..5 in two folds (even, odd). Candidate "a" is best on even items, "b" on odd ones.
        int[] items = [0, 1, 2, 3, 4, 5];
        Candidate a = new("a", o => o), b = new("b", o => o);
        var result = FoldTuning.Run(items, 2, [a, b], (c, fold) => c == a ? (fold[0] % 2 == 0 ? 10 : 1) : (fold[0] % 2 == 0 ? 2 : 5));

        Assert.Equal([10, 1], result.Candidates[0].Folds);
        Assert.Equal([2, 5], result.Candidates[1].Folds);
        // Fold 1 (even items) is held out: chosen on fold 2 is "b", which scores 2 there where "a" would have scored 10.
        Assert.Equal(new HeldOut(1, "b", 5, 2, "a", 10), result.HeldOut[0]);
        Assert.Equal(new HeldOut(2, "a", 10, 1, "b", 5), result.HeldOut[1]);
        Assert.Equal(1.5, result.HeldOutMean); // what choosing by folds scores on a fold it did not see
        Assert.Equal("a", result.Chosen);      // shipped: the best mean over both folds, 5.5 against 3.5
    }

    [Fact]
    public void Too_few_items_or_folds_is_a_clear_error()
    {
        Assert.Contains("at least 2", Assert.Throws<CliException>(() => FoldTuning.Run([1, 2], 1, [new Candidate("a", o => o)], (_, _) => 0)).Message);
        Assert.Contains("cannot make 3 folds", Assert.Throws<CliException>(() => FoldTuning.Run([1, 2], 3, [new Candidate("a", o => o)], (_, _) => 0)).Message);
    }
}
