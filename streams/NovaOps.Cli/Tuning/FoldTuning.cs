namespace NovaOps.Cli.Tuning;

/// <summary>A candidate's objective on each fold.</summary>
public sealed record CandidateScore(string Label, double[] Folds);

/// <summary>
/// What the folds chose: the parameters to ship, best over all folds' mean (<see cref="Chosen"/>), and how the same
/// procedure does on data it did not see: for each fold, the candidate best on the other folds and its score on this one.
/// </summary>
public sealed record TuningResult(IReadOnlyList<CandidateScore> Candidates, IReadOnlyList<HeldOut> HeldOut)
{
    /// <summary>The candidate with the best mean over the folds: the parameters to ship.</summary>
    public string Chosen => Candidates.MaxBy(c => c.Folds.Average())!.Label;

    /// <summary>The cross-validated estimate of the choice: the mean of the held-out folds' scores.</summary>
    public double HeldOutMean => HeldOut.Average(h => h.ScoreHere);
}

/// <param name="Fold">The fold scored (1-based), which took no part in the choice.</param>
public sealed record HeldOut(int Fold, string ChosenLabel, double ChosenOnOthers, double ScoreHere, string BestHereLabel, double BestHere);

/// <summary>
/// Chooses parameters by folds of a benchmark's items (files, servers), never per item: items are split into folds in
/// name order (item i goes to fold i mod k); each candidate is scored on each fold; for each fold the candidate with
/// the best mean over the other folds is reported with its score on the held-out fold, next to the best that fold
/// alone would have chosen (what the choice costs there). The parameters shipped are then chosen on all folds, and the
/// held-out scores are the estimate of what that choice scores on files or servers it never saw.
/// </summary>
public static class FoldTuning
{
    public static TuningResult Run<TItem>(IReadOnlyList<TItem> items, int folds, IReadOnlyList<Candidate> candidates,
        Func<Candidate, IReadOnlyList<TItem>, double> objective, IProgress<double>? progress = null)
    {
        if (folds < 2) throw new CliException("--folds must be at least 2");
        if (items.Count < folds) throw new CliException($"{items.Count} items cannot make {folds} folds");
        var split = Enumerable.Range(0, folds).Select(f => (IReadOnlyList<TItem>)items.Where((_, i) => i % folds == f).ToList()).ToList();
        var scores = new List<CandidateScore>();
        foreach (var c in candidates)
        {
            scores.Add(new CandidateScore(c.Label, [.. split.Select(fold => objective(c, fold))]));
            progress?.Report(scores.Count / (double)candidates.Count);
        }
        var heldOut = new List<HeldOut>();
        for (int f = 0; f < folds; f++)
        {
            double Others(CandidateScore s) => Enumerable.Range(0, folds).Where(g => g != f).Average(g => s.Folds[g]);
            var chosen = scores.MaxBy(Others)!;
            var bestHere = scores.MaxBy(s => s.Folds[f])!;
            heldOut.Add(new HeldOut(f + 1, chosen.Label, Others(chosen), chosen.Folds[f], bestHere.Label, bestHere.Folds[f]));
        }
        return new TuningResult(scores, heldOut);
    }
}
