using NovaOps.Detection.ContextualAnomaly;

namespace NovaOps.Detection.Tests;

public class ContextualAnomalyDetectorTests
{
    private static readonly ContextualAnomalyOptions Options = new() { WarmUpRows = 100, RestRows = 20 };

    private static double[] Score(IEnumerable<double> values, ContextualAnomalyOptions? options = null) =>
        SeriesRuns.Score(s => new ContextualAnomalyDetector(s, options ?? Options), values);

    private static double Wave(int i) => SeriesRuns.Wave(i);

    [Fact]
    public void A_recurring_pattern_stops_being_anomalous_and_a_value_beyond_the_range_scores_one()
    {
        var scores = Score(Enumerable.Range(0, 700).Select(i => i == 600 ? 200 : Wave(i)));
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.All(scores.Take(100), s => Assert.Equal(0, s)); // warm-up (learnt at its end, through the rest the detector starts with)
        Assert.True(scores.Skip(400).Take(200).Max() < 0.5, $"the known wave scores up to {scores.Skip(400).Take(200).Max():F3}");
        Assert.Equal(1, scores[600]);
        Assert.All(scores.Skip(601).Take(20), s => Assert.Equal(0, s)); // resting after the alarm
    }

    [Fact]
    public void A_known_range_replaces_the_warm_up()
    {
        var values = Enumerable.Range(0, 300).Select(Wave).ToArray();
        var learnt = Score(values);
        var given = Score(values, Options with { Minimum = 30, Maximum = 70 });
        Assert.All(learnt.Take(100), s => Assert.Equal(0, s));
        Assert.Contains(given.Skip(20).Take(80), s => s > 0); // scored from the first row past the initial rest
    }

    [Fact]
    public void A_known_level_in_a_new_order_scores_higher_than_the_known_wave()
    {
        var rng = new Random(4);
        var values = Enumerable.Range(0, 600).Select(Wave).Concat(Enumerable.Range(0, 48).Select(_ => Wave(rng.Next(24)))).ToArray();
        var scores = Score(values, Options with { RestRows = 0 });
        double shuffled = scores.Skip(600).Average(), known = scores.Skip(500).Take(100).Average();
        Assert.True(shuffled > known + 0.1, $"shuffled {shuffled:F3}, known {known:F3}");
    }

    [Fact]
    public void A_rows_score_never_depends_on_later_rows()
    {
        var a = Score(Enumerable.Range(0, 500).Select(Wave));
        var b = Score(Enumerable.Range(0, 500).Select(i => i < 350 ? Wave(i) : 1000 - i));
        Assert.Equal(a.Take(350), b.Take(350));
        Assert.NotEqual(a.Skip(350), b.Skip(350));
        // Nor on the warm-up's end: rows before it score 0 whatever follows.
        var c = Score(Enumerable.Range(0, 500).Select(i => i < 60 ? Wave(i) : 500 + i));
        Assert.Equal(a.Take(60), c.Take(60));
    }

    [Fact]
    public void Missing_values_score_zero_and_are_not_learnt()
    {
        var values = Enumerable.Range(0, 400).Select(Wave).ToArray();
        var gaps = values.Select((v, i) => i % 50 == 49 && i > 200 ? double.NaN : v).ToArray();
        var scores = Score(gaps);
        Assert.All(scores.Where((_, i) => double.IsNaN(gaps[i])), s => Assert.Equal(0, s));
    }

    [Fact]
    public void It_keeps_its_own_memory_so_a_topology_cannot_share_it()
    {
        var detector = new ContextualAnomalyDetector(new FeatureSchema(["value"]));
        Assert.False(detector.SharedAcrossEntities);
        Assert.False(((IAnomalyDetector)new CooldownDetector(detector, 5, 0.9)).SharedAcrossEntities);
        Assert.True(((IAnomalyDetector)new Context.ContextDetector(new FeatureSchema(["value"]))).SharedAcrossEntities);
    }

    [Theory]
    [InlineData(0, 600, null, null)]
    [InlineData(3, 1, null, null)]
    [InlineData(3, 600, 5.0, null)]
    [InlineData(3, 600, 5.0, 1.0)]
    public void Bad_options_are_refused(int bits, int warmUp, double? min, double? max) =>
        Assert.ThrowsAny<ArgumentException>(() => new ContextualAnomalyOptions { Bits = bits, WarmUpRows = warmUp, Minimum = min, Maximum = max }.Validate());
}
