namespace NovaOps.Evaluation.Nab;

/// <summary>Result of one profile: the best threshold for the corpus and the normalised score there.</summary>
public sealed record NabProfileResult(string Profile, double Threshold, double RawScore, double NormalisedScore,
    int TruePositives, int FalsePositives, int FalseNegatives);

/// <summary>One file's raw score and counts at a corpus threshold.</summary>
public sealed record NabFileResult(string Name, double RawScore, int TruePositives, int FalsePositives, int FalseNegatives, int Windows);

/// <summary>
/// NAB's scoring rules (see the dataset README): earliest detection per window rewarded by a
/// sigmoid of its position, missed windows cost the FN weight, detections outside windows cost the
/// FP weight scaled by their distance from the previous window; one threshold per profile for the
/// whole corpus, the one that maximises the raw score; normalised against the null and perfect detectors.
/// </summary>
public static class NabScorer
{
    private static double Sigmoid(double p) => 2.0 / (1.0 + Math.Exp(5.0 * p)) - 1.0;

    public static NabProfileResult Score(IReadOnlyList<NabSeries> corpus, NabProfile profile)
    {
        var prepared = corpus.Select(Prepare).ToList();
        int windows = corpus.Sum(s => s.Windows.Count);
        double nullScore = -profile.FnWeight * windows;
        double perfect = profile.TpWeight * windows;

        // Candidate thresholds: every distinct score would be exact but quadratic; quantiles of the
        // scores plus a fine grid near the top are as good in practice and stay linear per candidate.
        var candidates = CandidateThresholds(corpus);
        NabProfileResult? best = null;
        foreach (double t in candidates)
        {
            var r = Evaluate(prepared, profile, t);
            if (best is null || r.Raw > best.RawScore)
                best = new NabProfileResult(profile.Name, t, r.Raw, 0, r.Tp, r.Fp, r.Fn);
        }

        // A detector that never fires is the null detector; "threshold above 1" stands for it.
        var never = Evaluate(prepared, profile, double.PositiveInfinity);
        if (best is null || never.Raw > best.RawScore)
            best = new NabProfileResult(profile.Name, double.PositiveInfinity, never.Raw, 0, never.Tp, never.Fp, never.Fn);

        double norm = perfect == nullScore ? 0 : 100.0 * (best.RawScore - nullScore) / (perfect - nullScore);
        return best with { NormalisedScore = norm };
    }

    /// <summary>Raw score of the corpus at one threshold.</summary>
    public static double RawScore(IReadOnlyList<NabSeries> corpus, NabProfile profile, double threshold) =>
        Evaluate(corpus.Select(Prepare).ToList(), profile, threshold).Raw;

    /// <summary>Each file's share of the corpus' result at one threshold (where a detector gains and loses).</summary>
    public static IReadOnlyList<NabFileResult> PerFile(IReadOnlyList<NabSeries> corpus, NabProfile profile, double threshold) =>
        [.. corpus.Select(s =>
        {
            var r = Evaluate([Prepare(s)], profile, threshold);
            return new NabFileResult(s.Name, r.Raw, r.Tp, r.Fp, r.Fn, s.Windows.Count);
        })];

    private sealed record Prepared(NabSeries Series, int[] WindowOf, double[] Weight);

    // For each row: the window it lies in (-1 outside), and the value of a detection there:
    // the TP reward inside a window, the (negative) FP factor outside, NaN in probation.
    private static Prepared Prepare(NabSeries s)
    {
        int n = s.Rows;
        var windowOf = new int[n];
        var weight = new double[n];
        Array.Fill(windowOf, -1);
        for (int w = 0; w < s.Windows.Count; w++)
        {
            var (start, end) = s.Windows[w];
            int len = end - start + 1;
            for (int i = Math.Max(0, start); i <= end && i < n; i++)
            {
                windowOf[i] = w;
                double p = -(end - i + 1) / (double)len;
                weight[i] = Sigmoid(p) / Sigmoid(-1.0);
            }
        }

        int prevWindow = -1;
        for (int i = 0; i < n; i++)
        {
            if (windowOf[i] >= 0) { prevWindow = windowOf[i]; continue; }
            if (prevWindow < 0) { weight[i] = -1.0; continue; }
            var (ps, pe) = s.Windows[prevWindow];
            double len = pe - ps + 1;
            double p = Math.Abs(i - pe) / Math.Max(1.0, len - 1);
            weight[i] = p > 3 ? -1.0 : Sigmoid(p);
        }

        for (int i = 0; i < Math.Min(n, s.Probation); i++) weight[i] = double.NaN;
        return new Prepared(s, windowOf, weight);
    }

    private static (double Raw, int Tp, int Fp, int Fn) Evaluate(List<Prepared> corpus, NabProfile profile, double threshold)
    {
        double raw = 0;
        int tp = 0, fp = 0, fn = 0;
        foreach (var p in corpus)
        {
            var scores = p.Series.Scores;
            var detected = new bool[p.Series.Windows.Count];
            for (int i = 0; i < scores.Count; i++)
            {
                if (scores[i] < threshold || double.IsNaN(p.Weight[i])) continue;
                int w = p.WindowOf[i];
                if (w >= 0)
                {
                    if (detected[w]) continue;
                    detected[w] = true;
                    raw += profile.TpWeight * p.Weight[i];
                    tp++;
                }
                else
                {
                    raw += profile.FpWeight * p.Weight[i];
                    fp++;
                }
            }
            foreach (bool d in detected)
            {
                if (d) continue;
                raw -= profile.FnWeight;
                fn++;
            }
        }
        return (raw, tp, fp, fn);
    }

    private static List<double> CandidateThresholds(IReadOnlyList<NabSeries> corpus)
    {
        var all = corpus.SelectMany(s => s.Scores).Where(double.IsFinite).ToArray();
        Array.Sort(all);
        var set = new SortedSet<double>();
        if (all.Length == 0) return [];
        const int quantiles = 2000;
        for (int q = 0; q <= quantiles; q++)
            set.Add(all[(int)((all.Length - 1) * (q / (double)quantiles))]);
        // The top of the distribution is where the best threshold usually sits: take every distinct value there.
        for (int i = Math.Max(0, all.Length - 5000); i < all.Length; i++) set.Add(all[i]);
        return [.. set];
    }
}
