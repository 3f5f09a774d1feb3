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
}
