using NovaOps.Detection.Offline;
using NovaOps.Detection.Statistical;

namespace NovaOps.Detection.Tests;

public class SeriesDetectorPartsTests
{
    [Fact]
    public void Scale_free_features_do_not_depend_on_the_series_units()
    {
        double[] Run(double scale)
        {
            var state = new double[ScaleFreeFeatures.HistoryStateLength];
            ScaleFreeFeatures.InitWithHistory(state);
            var flat = new float[ScaleFreeFeatures.HistoryNames.Count];
            var rng = new Random(3);
            bool full = false;
            for (int i = 0; i < 60; i++)
            {
                double v = (50 + rng.NextDouble() * 4 + (i == 59 ? 40 : 0)) * scale;
                full = ScaleFreeFeatures.ApplyWithHistory(state, [v, v, 0, 0], flat, new RobustBaselineOptions());
            }
            Assert.True(full);
            return [.. flat.Select(f => (double)f)];
        }
        var small = Run(1);
        var large = Run(1e6);
        for (int i = 0; i < small.Length; i++) Assert.Equal(small[i], large[i], 3);
        Assert.True(small[^4] > 5, $"the jump's mean_z {small[^4]:F2}"); // the last row is the jump, clearly out
        Assert.Equal(32, ScaleFreeFeatures.HistoryNames.Count);
        Assert.Equal("t-7.value.mean_z", ScaleFreeFeatures.HistoryNames[0]);
    }

    [Fact]
    public void Cooldown_silences_the_windows_after_an_alarm_and_combined_takes_the_higher_score()
    {
        var schema = new FeatureSchema(["value"]);
        var fixedScores = new Queue<double>([0.95, 0.99, 0.99, 0.2, 0.97]);
        var cooled = new CooldownDetector(new Scripted(schema, () => fixedScores.Dequeue()), windows: 2, above: 0.9);
        var state = new double[cooled.StateLength];
        cooled.InitState(state);
        var c = new double[1];
        var scores = Enumerable.Range(0, 5).Select(_ => cooled.Score(new double[4], state, c)).ToList();
        Assert.Equal([0.95, 0, 0, 0.2, 0.97], scores);

        var combined = new CombinedDetector(new Scripted(schema, () => 0.3), new Scripted(schema, () => 0.8));
        var both = new double[combined.StateLength];
        combined.InitState(both);
        Assert.Equal(0.8, combined.Score(new double[4], both, c));
        Assert.Equal("combined(scripted, scripted)", combined.Name);
    }

    private sealed class Scripted(FeatureSchema schema, Func<double> next) : IAnomalyDetector
    {
        public string Name => "scripted";
        public FeatureSchema Schema => schema;
        public int StateLength => 1;
        public void InitState(Span<double> state) => state.Clear();
        public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions) => next();
    }
}
