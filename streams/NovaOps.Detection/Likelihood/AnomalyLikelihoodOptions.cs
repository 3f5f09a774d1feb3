namespace NovaOps.Detection.Likelihood;

/// <summary>
/// Tuning of <see cref="AnomalyLikelihoodDetector"/>. The learning, history and averaging lengths are those of Numenta's
/// anomaly likelihood (Ahmad et al., "Unsupervised real-time anomaly detection for streaming data", 2017), in windows;
/// the standard deviation's floor is ours.
/// </summary>
public sealed record AnomalyLikelihoodOptions
{
    /// <summary>Wrap the series detectors in the likelihood (<c>Series:Likelihood:Enabled</c>).</summary>
    public bool Enabled { get; init; }

    /// <summary>Windows scored before the first likelihood: the distribution needs that many to mean anything.</summary>
    public int LearningWindows { get; init; } = 288;

    /// <summary>Windows the distribution of recent scores spans (its moving mean and variance forget at this rate).</summary>
    public int HistoryWindows { get; init; } = 8640;

    /// <summary>Raw scores averaged into the short-term value that is compared to the distribution (smooths one-window noise).</summary>
    public int AveragingWindows { get; init; } = 10;

    /// <summary>Floor of the distribution's standard deviation: a detector silent for days must not make its first small score a certainty.</summary>
    public double MinStandardDeviation { get; init; } = 0.02;

    /// <summary>
    /// Likelihood score that starts the series cooldown (the raw detector's own <c>CooldownAbove</c> is on its scale, not
    /// this one). 0.5 is L = 1 − 10⁻⁵, Numenta's "red" level, past which its likelihood holds back the next alarms too.
    /// </summary>
    public double CooldownAbove { get; init; } = 0.5;

    public void Validate()
    {
        if (LearningWindows < 1 || HistoryWindows < 2 || AveragingWindows < 1 || AveragingWindows > 1000 || !(MinStandardDeviation > 0))
            throw new ArgumentException("Likelihood: LearningWindows ≥ 1, HistoryWindows ≥ 2, AveragingWindows in 1..1000, MinStandardDeviation > 0");
    }
}

/// <summary>
/// The scale on which a detector's scores are averaged and compared with their distribution: the one on which they
/// spread. <see cref="Score"/>: as they are (the statistical detector's score is a squashed robust z, near-linear in z
/// over the range that matters). <see cref="Surprise"/>: −ln(1 − score), for scores that are probabilities of a
/// calibration (a model's empirical CDF): far from its training data such scores crowd just below 1, where their
/// differences are the ones that matter.
/// </summary>
public enum LikelihoodInput { Score, Surprise }
