using NovaOps.Detection.Context;

namespace NovaOps.Detection.Tests;

public class ContextDetectorTests
{
    private static readonly ContextDetectorOptions Options = new() { WarmUpRows = 100, RestRows = 20 };

    private static double[] Score(IEnumerable<double> values, ContextDetectorOptions? options = null) =>
        SeriesRuns.Score(s => new ContextDetector(s, options ?? Options), values);

    private static double Wave(int i) => SeriesRuns.Wave(i);

    [Fact]
    public void A_recurring_pattern_stops_being_new_and_a_new_level_scores_one()
    {
        var scores = Score(Enumerable.Range(0, 600).Select(i => i == 500 ? 200 : Wave(i)));
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.All(scores.Take(99), s => Assert.Equal(0, s)); // warming up: the 100th row fixes the levels and is the first scored
        Assert.True(scores.Skip(300).Take(200).Max() < 0.3, $"the known wave scores up to {scores.Skip(300).Take(200).Max():F3}");
        Assert.Equal(1, scores[500]);
        Assert.All(scores.Skip(501).Take(20), s => Assert.Equal(0, s)); // resting after the alarm
    }

    [Fact]
    public void A_known_level_reached_by_a_new_path_scores_some_novelty()
    {
        // The wave, then the same values in a shuffled order: each level is known, the sequences are not.
        var rng = new Random(4);
        var values = Enumerable.Range(0, 400).Select(Wave).Concat(Enumerable.Range(0, 24).Select(_ => Wave(rng.Next(24)))).ToArray();
        var scores = Score(values, Options with { RestRows = 0 });
        double shuffled = scores.Skip(400).Average(), known = scores.Skip(300).Take(100).Average();
        Assert.True(shuffled > known + 0.2, $"shuffled {shuffled:F3}, known {known:F3}");
    }

    [Fact]
    public void A_rows_score_never_depends_on_later_rows()
    {
        var a = Score(Enumerable.Range(0, 500).Select(Wave));
        var b = Score(Enumerable.Range(0, 500).Select(i => i < 350 ? Wave(i) : 1000 - i));
        Assert.Equal(a.Take(350), b.Take(350));
        Assert.NotEqual(a.Skip(350), b.Skip(350));
    }
}
