namespace NovaOps.Detection.Likelihood;

/// <summary>
/// Wraps a detector and scores how unusual its recent scores are for this entity, not the scores themselves
/// (Numenta's anomaly likelihood, as in NAB's leading detectors). The raw scores' short-term average is compared
/// with the moving distribution of that average (mean and variance over about <see cref="AnomalyLikelihoodOptions.HistoryWindows"/>
/// windows): a series whose detector is often somewhat excited (noisy, bursty) needs much more to alarm than a calm one,
/// which one threshold for every series cannot do. The likelihood L = Φ(z) goes out on a log scale,
/// log(1 − L) / log(10⁻¹⁰), so that thresholds near certainty are far apart: 0.3 is z ≈ 3.1, 0.5 z ≈ 4.3, 0.7 z ≈ 5.2.
/// Online and per entity like every detector: its state is a few doubles in the entity's span, no look-ahead.
/// </summary>
public sealed class AnomalyLikelihoodDetector : IAnomalyDetector
{
    private const int Count = 0, Mean = 1, Variance = 2, Position = 3, Ring = 4;
    private static readonly double LogFloor = Math.Log(1e-10);

    private readonly IAnomalyDetector _inner;
    private readonly AnomalyLikelihoodOptions _options;
    private readonly LikelihoodInput _input;

    public AnomalyLikelihoodDetector(IAnomalyDetector inner, AnomalyLikelihoodOptions options, LikelihoodInput input = LikelihoodInput.Score)
    {
        options.Validate();
        _inner = inner;
        _options = options;
        _input = input;
        Name = $"likelihood({inner.Name})";
    }

    public string Name { get; }
    public FeatureSchema Schema => _inner.Schema;
    public int StateLength => _inner.StateLength + Ring + _options.AveragingWindows;
    public bool SharedAcrossEntities => _inner.SharedAcrossEntities;

    public void InitState(Span<double> state)
    {
        _inner.InitState(state[.._inner.StateLength]);
        state[_inner.StateLength..].Clear();
    }

    public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
    {
        double raw = _inner.Score(features, state[.._inner.StateLength], contributions);
        var own = state[_inner.StateLength..];
        var ring = own.Slice(Ring, _options.AveragingWindows);
        int position = (int)own[Position];
        ring[position] = !double.IsFinite(raw) ? 0 : _input == LikelihoodInput.Surprise ? -Math.Log(Math.Max(1 - raw, 1e-12)) : raw;
        own[Position] = (position + 1) % ring.Length;
        double n = ++own[Count];

        double sum = 0;
        foreach (double r in ring) sum += r;
        double average = sum / Math.Min(n, ring.Length);

        double score = 0;
        if (n > _options.LearningWindows)
        {
            // Against the distribution before this window joins it, so an anomaly does not dampen itself.
            double sd = Math.Max(Math.Sqrt(own[Variance]), _options.MinStandardDeviation);
            double tail = UpperTail((average - own[Mean]) / sd);
            score = Math.Clamp(Math.Log(tail + 1e-10) / LogFloor, 0, 1);
        }
        else contributions.Clear();

        // Moving mean and variance: a plain average over the first HistoryWindows windows, then forgetting at that rate.
        double alpha = 1 / Math.Min(n, _options.HistoryWindows);
        double delta = average - own[Mean];
        own[Mean] += alpha * delta;
        own[Variance] = (1 - alpha) * (own[Variance] + alpha * delta * delta);
        return score;
    }

    /// <summary>P(Z > z) for a standard normal Z: erfc(z/√2)/2 (Numerical Recipes' erfc, relative error under 1.2e-7).</summary>
    public static double UpperTail(double z)
    {
        double x = z / Math.Sqrt(2), a = Math.Abs(x);
        double t = 1 / (1 + 0.5 * a);
        double erfc = t * Math.Exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return 0.5 * (x >= 0 ? erfc : 2 - erfc);
    }
}
