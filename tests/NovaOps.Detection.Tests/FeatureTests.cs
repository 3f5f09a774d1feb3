using NovaOps.Detection;

namespace NovaOps.Detection.Tests;

public class FeatureTests
{
    [Fact]
    public void Accumulator_gives_mean_max_and_least_squares_slope()
    {
        var a = new double[WindowAccumulator.Length];
        WindowAccumulator.Reset(a);
        for (int t = 0; t < 5; t++) WindowAccumulator.Add(a, t, 10 + 2 * t); // slope 2 per minute
        Assert.Equal(14, WindowAccumulator.Mean(a), 9);
        Assert.Equal(18, WindowAccumulator.Max(a), 9);
        Assert.Equal(2, WindowAccumulator.Slope(a), 9);
    }

    [Fact]
    public void Baseline_resists_outliers_and_scores_them()
    {
        var b = new double[RobustBaseline.Length];
        var o = new RobustBaselineOptions();
        RobustBaseline.Init(b);
        var rng = new Random(1);
        for (int i = 0; i < 200; i++) RobustBaseline.Update(b, 50 + rng.NextDouble() * 2 - 1, o);
        double before = RobustBaseline.Location(b);
        Assert.True(RobustBaseline.ZScore(b, 50.2, o) < 2);
        Assert.True(RobustBaseline.ZScore(b, 80, o) > 20);
        RobustBaseline.Update(b, 10_000, o); // one wild value moves the level by a clipped step only
        Assert.True(Math.Abs(RobustBaseline.Location(b) - before) < 0.1);
    }

    [Fact]
    public void Extractor_closes_a_window_when_a_later_one_starts()
    {
        var schema = new FeatureSchema(["cpu", "mem"]);
        var x = new WindowFeatureExtractor(schema, new FeatureOptions { Window = TimeSpan.FromMinutes(1) });
        var state = new double[x.StateLength];
        var features = new double[schema.Length];
        x.InitState(state);
        long t0 = 1_800_000_000_000 - 1_800_000_000_000 % 60_000;
        for (int i = 0; i < 6; i++)
            Assert.Null(x.Add(state, t0 + i * 10_000, [10 + i, double.NaN], features));
        var closed = x.Add(state, t0 + 60_000, [99, 1], features);
        Assert.NotNull(closed);
        Assert.Equal(t0, closed!.Value.StartMs);
        Assert.Equal(t0 + 60_000, closed.Value.EndMs);
        Assert.Equal(6, closed.Value.Samples);
        Assert.Equal(12.5, features[FeatureSchema.Index(0, FeatureSchema.Mean)], 9);
        Assert.Equal(15, features[FeatureSchema.Index(0, FeatureSchema.Max)], 9);
        Assert.Equal(6, features[FeatureSchema.Index(0, FeatureSchema.Slope)], 6); // 1 per 10 s
        Assert.True(double.IsNaN(features[FeatureSchema.Index(1, FeatureSchema.Mean)])); // a metric never seen
        Assert.Equal(["cpu.mean", "cpu.max", "cpu.slope", "cpu.robust_z"], schema.FeatureNames.Take(4));
    }

    [Fact]
    public void Schema_rejects_empty_and_duplicate_metrics()
    {
        Assert.Throws<ArgumentException>(() => new FeatureSchema([]));
        Assert.Throws<ArgumentException>(() => new FeatureSchema(["a", "a"]));
    }
}
