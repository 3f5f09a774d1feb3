using NovaOps.Detection.Likelihood;

namespace NovaOps.Detection.Tests;

public class AnomalyLikelihoodTests
{
    private static readonly FeatureSchema Schema = new(["value"]);

    /// <summary>Scores of the wrapped detector: the first feature, as given.</summary>
    private sealed class Echo : IAnomalyDetector
    {
        public string Name => "echo";
        public FeatureSchema Schema => AnomalyLikelihoodTests.Schema;
        public int StateLength => 1;
        public void InitState(Span<double> state) => state.Clear();
        public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
        {
            contributions.Fill(1);
            return features[0];
        }
    }

    private static List<double> Run(AnomalyLikelihoodDetector detector, IEnumerable<double> raw)
    {
        var state = new double[detector.StateLength];
        detector.InitState(state);
        var features = new double[Schema.Length];
        var contributions = new double[1];
        var scores = new List<double>();
        foreach (double r in raw)
        {
            features[0] = r;
            scores.Add(detector.Score(features, state, contributions));
        }
        return scores;
    }

    [Fact]
    public void The_same_raw_score_is_an_alarm_on_a_calm_series_and_ordinary_on_a_busy_one()
    {
        var options = new AnomalyLikelihoodOptions { LearningWindows = 100, HistoryWindows = 1000, AveragingWindows = 5 };
        var detector = new AnomalyLikelihoodDetector(new Echo(), options);
        var rng = new Random(5);
        var calm = Enumerable.Range(0, 600).Select(_ => 0.05 + 0.02 * rng.NextDouble()).ToList();
        var busy = Enumerable.Range(0, 600).Select(_ => rng.NextDouble() < 0.3 ? 0.6 + 0.3 * rng.NextDouble() : 0.1 * rng.NextDouble()).ToList();
        double[] burst = [0.6, 0.6, 0.6, 0.6, 0.6];

        var onCalm = Run(detector, calm.Concat(burst));
        var onBusy = Run(detector, busy.Concat(burst));
        Assert.All(onCalm.Take(100), s => Assert.Equal(0, s)); // learning
        Assert.True(onCalm[^1] > 0.9, $"calm series: {onCalm[^1]:F3}");
        Assert.True(onBusy[^1] < 0.3, $"busy series: {onBusy[^1]:F3}");
        Assert.True(onCalm.Skip(100).Take(500).Max() < 0.5, $"calm series before the burst: up to {onCalm.Skip(100).Take(500).Max():F3}");
        Assert.Equal("likelihood(echo)", detector.Name);
    }

    [Fact]
    public void Surprise_keeps_apart_scores_that_crowd_near_one()
    {
        // A detector whose scores sit near 1 all the time (a model far from its training data): as scores, 0.9999
        // is hardly above the usual 0.99; as surprise, −ln(1 − s), it is twice as far.
        var rng = new Random(9);
        var raw = Enumerable.Range(0, 600).Select(_ => 0.98 + 0.015 * rng.NextDouble()).Concat(Enumerable.Repeat(0.9999, 10)).ToList();
        var options = new AnomalyLikelihoodOptions { LearningWindows = 100, AveragingWindows = 5 };
        var asScores = Run(new AnomalyLikelihoodDetector(new Echo(), options), raw);
        var asSurprise = Run(new AnomalyLikelihoodDetector(new Echo(), options, LikelihoodInput.Surprise), raw);
        Assert.True(asScores[^1] < 0.2, $"as scores: {asScores[^1]:F3}");
        Assert.True(asSurprise[^1] > 0.9, $"as surprise: {asSurprise[^1]:F3}");
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1.959964, 0.025)]
    [InlineData(-1.959964, 0.975)]
    [InlineData(5, 2.866516e-7)]
    public void Upper_tail_of_the_normal(double z, double expected) =>
        Assert.Equal(expected, AnomalyLikelihoodDetector.UpperTail(z), expected * 1e-5);

    [Fact]
    public void Bad_options_are_refused() =>
        Assert.Throws<ArgumentException>(() => new AnomalyLikelihoodDetector(new Echo(), new AnomalyLikelihoodOptions { AveragingWindows = 0 }));
}
