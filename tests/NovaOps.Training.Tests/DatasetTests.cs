using NovaOps.Datasets;
using NovaOps.Simulator;

namespace NovaOps.Training.Tests;

public class DatasetTests
{
    // Small but with faults: 60 VMs over 3 simulated hours.
    internal static readonly Lazy<WindowDataset> Small = new(() => SimulatorDatasets.Build(
        new SimulatorOptions { Seed = 5, Vms = 60, FaultsPerHour = 30, FaultFreePrefix = TimeSpan.FromMinutes(20) }, ticks: 3 * 360));

    [Fact]
    public void Simulated_windows_carry_ground_truth_labels()
    {
        var data = Small.Value;
        Assert.Equal(60, data.Series.Count);
        Assert.All(data.Series, s => Assert.InRange(s.Count, 170, 180)); // one window a minute
        var labels = data.Series.SelectMany(s => s.Labels).ToList();
        Assert.Contains(labels, l => l.Faulty);
        Assert.Contains(labels, l => l.InIncident);
        Assert.Contains(labels, l => l.IncidentWithin(TimeSpan.FromMinutes(15)) && !l.InIncident);
        // An incident window is faulty; the first 20 minutes are fault-free.
        Assert.All(labels, l => Assert.True(!l.InIncident || l.Faulty));
        Assert.All(data.Series, s => Assert.DoesNotContain(s.Labels.Take(15), l => l.Faulty));
    }

    [Fact]
    public void Same_seed_same_dataset_other_seed_other_dataset()
    {
        var options = new SimulatorOptions { Seed = 5, Vms = 20, FaultsPerHour = 30, FaultFreePrefix = TimeSpan.FromMinutes(20) };
        var a = SimulatorDatasets.Build(options, 360);
        var b = SimulatorDatasets.Build(options, 360);
        var c = SimulatorDatasets.Build(options with { Seed = 6 }, 360);
        Assert.Equal(a.ContentHash(), b.ContentHash());
        Assert.NotEqual(a.ContentHash(), c.ContentHash());
    }

    [Fact]
    public void Split_never_trains_on_the_future_nor_on_test_vms()
    {
        var data = Small.Value;
        var embargo = TimeSpan.FromMinutes(15);
        var split = new DatasetSplit(data, new SplitOptions { Embargo = embargo });
        long End(WindowRef r) => data.Series[r.Series].WindowEndMs[r.Window];
        Assert.All(split.Train, r => Assert.True(End(r) + (long)embargo.TotalMilliseconds <= split.FirstCutMs));
        Assert.All(split.Validation, r => Assert.True(End(r) > split.FirstCutMs && End(r) + (long)embargo.TotalMilliseconds <= split.SecondCutMs));
        Assert.All(split.Test, r => Assert.True(End(r) > split.SecondCutMs));
        Assert.All(split.Train.Concat(split.Validation), r => Assert.DoesNotContain(r.Series, split.TestSeries));
        Assert.All(split.Test, r => Assert.Contains(r.Series, split.TestSeries));
        Assert.Equal(12, split.TestSeries.Count); // 20% of 60 VMs
    }

    [Fact]
    public void Standardization_is_fitted_on_the_rows_given_and_clips()
    {
        var s = FeatureStandardization.Fit([[1f, 5f], [3f, 5f]], 2);
        Assert.Equal([2f, 5f], s.Mean);
        Assert.Equal([1f, 1f], s.Std); // the constant feature passes through centred
        Assert.Equal(1f, s.Apply(0, 3f));
        Assert.Equal(FeatureStandardization.DefaultClip, s.Apply(0, 1000f));
        Assert.Throws<ArgumentException>(() => FeatureStandardization.Fit([], 2));
        Assert.Throws<ArgumentException>(() => FeatureStandardization.Fit([[float.NaN, 1f]], 2));
    }

    private static LabelledSeries Wave(string name, DateTime start, int rows, int anomalyFrom, int anomalyTo, int seed)
    {
        var rng = new Random(seed);
        var times = Enumerable.Range(0, rows).Select(i => new DateTimeOffset(start.AddMinutes(5 * i), TimeSpan.Zero).ToUnixTimeMilliseconds()).ToList();
        var values = Enumerable.Range(0, rows).Select(i => 50 + 10 * Math.Sin(i / 20.0) + rng.NextDouble() + (i >= anomalyFrom && i <= anomalyTo ? 40 : 0)).ToList();
        values[rows / 3] = double.NaN; // a missing value: skipped, as detect skips it
        return new LabelledSeries(name, times, values, Enumerable.Range(0, rows).Select(i => i >= anomalyFrom && i <= anomalyTo).ToList());
    }

    [Fact]
    public void Csv_series_become_the_series_models_rows_with_their_labels_each_split_on_its_own_time()
    {
        // Two exported series from different years (as NAB's are), each with an anomaly window.
        var early = Wave("a/early.csv", new DateTime(2014, 1, 1), 600, 500, 520, seed: 1);
        var late = Wave("b/late.csv", new DateTime(2015, 6, 1), 600, 550, 560, seed: 2);
        var data = SeriesDatasets.FromSeries([early, late], new DatasetSource("csv-series", "two waves", new Dictionary<string, string>()));

        Assert.Equal(["a/early.csv", "b/late.csv"], data.Series.Select(s => s.Id));
        Assert.Equal(NovaOps.Detection.Offline.ScaleFreeFeatures.HistoryNames, data.FeatureNames);
        foreach (var (series, input) in data.Series.Zip([early, late]))
        {
            Assert.InRange(series.Count, 500, 598); // every value but the missing one, after the history fills
            for (int w = 0; w < series.Count; w++)
            {
                int row = input.TimestampsMs.ToList().IndexOf(series.WindowEndMs[w]);
                Assert.Equal(input.Anomalous[row], series.Labels[w].Faulty);
            }
        }

        // One range for both leaves the early series wholly before the first cut and the late one wholly after the
        // second: some part of the split stays empty.
        Assert.Throws<ArgumentException>(() => new DatasetSplit(data, new SplitOptions { TestEntities = 0.5, Seed = 3 }));
        var own = new DatasetSplit(data, new SplitOptions { TestEntities = 0.5, Seed = 3, CutEachSeries = true });
        Assert.NotEmpty(own.Train);
        Assert.NotEmpty(own.Validation);
        Assert.NotEmpty(own.Test);
        foreach (int s in new[] { 0, 1 })
        {
            var ends = data.Series[s].WindowEndMs;
            long first = ends[0] + (long)((ends[^1] - ends[0]) * 0.6), second = ends[0] + (long)((ends[^1] - ends[0]) * 0.8);
            Assert.All(own.Train.Where(r => r.Series == s), r => Assert.True(ends[r.Window] <= first));
            Assert.All(own.Validation.Where(r => r.Series == s), r => Assert.InRange(ends[r.Window], first + 1, second));
            Assert.All(own.Test.Where(r => r.Series == s), r => Assert.True(ends[r.Window] > second));
        }
        Assert.Contains("each series' own time", new SplitOptions { CutEachSeries = true }.Describe());
    }

    [Fact]
    public void Csv_rows_out_of_time_order_are_a_clear_error_and_a_repeated_time_one_row()
    {
        var s = Wave("c/bad.csv", new DateTime(2014, 1, 1), 100, 90, 95, seed: 4);
        var source = new DatasetSource("csv-series", "test", new Dictionary<string, string>());
        var times = s.TimestampsMs.ToList();
        times[50] = times[49]; // a repeated time (NAB has one, at a clock change): one training row for it
        Assert.Equal(SeriesDatasets.FromSeries([s], source).WindowCount - 1, SeriesDatasets.FromSeries([s with { TimestampsMs = times }], source).WindowCount);
        times[50] = times[48];
        var e = Assert.Throws<InvalidDataException>(() => SeriesDatasets.FromSeries([s with { TimestampsMs = times }], source));
        Assert.Contains("c/bad.csv: row 51", e.Message);
    }

    // The card's hash of its training data: the repository's dataset builder still makes exactly those rows.
    [Fact]
    public void The_shipped_series_models_training_data_is_rebuilt_to_the_byte() =>
        AssertRebuilt("series-autoencoder", (options, ticks) => SeriesDatasets.FromSimulator(options, ticks));

    [Theory]
    [InlineData("anomaly-autoencoder")]
    [InlineData("incident-gru")]
    public void The_shipped_fleet_models_training_data_and_labels_are_rebuilt_to_the_byte(string model) =>
        AssertRebuilt(model, (options, ticks) => SimulatorDatasets.Build(options, ticks));

    private static void AssertRebuilt(string model, Func<SimulatorOptions, long, WindowDataset> build)
    {
        using var card = System.Text.Json.JsonDocument.Parse(File.ReadAllText(NovaOps.Tests.Shared.Repository.Path("models", model, "1", "card.json")));
        var data = card.RootElement.GetProperty("training").GetProperty("data");
        var p = data.GetProperty("parameters");
        var options = new SimulatorOptions
        {
            Seed = int.Parse(p.GetProperty("seed").GetString()!), Vms = int.Parse(p.GetProperty("vms").GetString()!),
            FaultsPerHour = double.Parse(p.GetProperty("faults_per_hour").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            FaultFreePrefix = TimeSpan.FromMinutes(30),
        };
        var rebuilt = build(options, long.Parse(p.GetProperty("ticks").GetString()!));
        Assert.Equal(data.GetProperty("sha256").GetString(), rebuilt.ContentHash());
    }
}
