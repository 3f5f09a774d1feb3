using NovaOps.Detection;
using NovaOps.Detection.Offline;
using NovaOps.Detection.Statistical;

namespace NovaOps.Detection.Tests;

public class StatisticalDetectorTests
{
    private static SeriesScorer Scorer() => new(schema => new StatisticalDetector(schema));

    private static double[] Noise(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => 50 + 3 * (rng.NextDouble() - 0.5)).ToArray();
    }

    [Fact]
    public void Normal_noise_scores_low_and_a_spike_scores_high()
    {
        var s = Scorer();
        var values = Noise(400, 7);
        var scores = values.Select((v, i) => s.Next(i * 300_000L, v)).ToArray();
        Assert.True(scores.Skip(50).Max() < 0.5, $"max normal score {scores.Skip(50).Max()}");
        double spike = s.Next(400 * 300_000L, 90);
        Assert.True(spike > 0.9, $"spike score {spike}");
        Assert.All(scores, x => Assert.InRange(x, 0, 1));
    }

    [Fact]
    public void Scores_never_look_ahead()
    {
        var a = Noise(300, 3);
        var b = a.ToArray();
        for (int i = 200; i < 300; i++) b[i] = 500; // a different future
        var sa = Scorer();
        var sb = Scorer();
        for (int i = 0; i < 200; i++)
            Assert.Equal(sa.Next(i, a[i]), sb.Next(i, b[i]));
    }

    [Fact]
    public void A_lasting_shift_alarms_then_settles()
    {
        var s = Scorer();
        var values = Noise(300, 5).Concat(Noise(600, 6).Select(v => v + 30)).ToArray();
        var scores = values.Select((v, i) => s.Next(i, v)).ToArray();
        Assert.True(scores[300] > 0.9);
        Assert.True(scores.Skip(700).Max() < 0.5, "a new normal must stop alarming");
    }

    [Fact]
    public void Missing_values_score_zero_and_keep_history()
    {
        var s = Scorer();
        foreach (var (v, i) in Noise(100, 9).Select((v, i) => (v, i))) s.Next(i, v);
        Assert.Equal(0, s.Next(100, double.NaN));
        Assert.True(s.Next(101, 50) < 0.5);
    }

    [Fact]
    public void Contributions_name_the_metrics_that_moved()
    {
        var schema = new FeatureSchema(["cpu", "mem", "disk"]);
        var x = new WindowFeatureExtractor(schema, new FeatureOptions());
        var d = new StatisticalDetector(schema);
        var xs = new double[x.StateLength];
        var ds = new double[d.StateLength];
        var f = new double[schema.Length];
        var c = new double[schema.MetricCount];
        x.InitState(xs);
        d.InitState(ds);
        var rng = new Random(2);
        double score = 0;
        for (int w = 0; w < 60; w++)
        {
            bool last = w == 59;
            x.Add(xs, w * 60_000L, [50 + rng.NextDouble(), last ? 99 : 40 + rng.NextDouble(), 30 + rng.NextDouble()], f);
            x.Close(xs, f);
            score = d.Score(f, ds, c);
        }
        Assert.True(score > 0.9);
        Assert.True(c[1] > 0.9, "mem carries the anomaly");
        Assert.Equal(1.0, c.Sum(), 6);
    }
}
