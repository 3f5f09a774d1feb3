namespace NovaOps.Datasets;

/// <summary>One window of one series of a dataset.</summary>
public readonly record struct WindowRef(int Series, int Window);

/// <summary>How a dataset is split; see <see cref="DatasetSplit"/>.</summary>
public sealed record SplitOptions
{
    /// <summary>Share of the time range whose windows train (on the training entities).</summary>
    public double TrainTime { get; init; } = 0.6;

    /// <summary>Share of the time range, after training's, whose windows validate (early stopping, calibration).</summary>
    public double ValidationTime { get; init; } = 0.2;

    /// <summary>Share of the entities held out of training and validation altogether; they are tested on the last part of the time range.</summary>
    public double TestEntities { get; init; } = 0.2;

    /// <summary>
    /// Gap before each cut: a window whose label looks this far ahead (the incident horizon) must not
    /// see past the cut into the next split.
    /// </summary>
    public TimeSpan Embargo { get; init; } = TimeSpan.Zero;

    public int Seed { get; init; } = 1;
}

/// <summary>
/// Splits by entity and by time, never leaking the future into training: training windows end before
/// the first cut (minus the embargo), validation windows lie between the cuts, and test windows come
/// after the second cut from entities that neither trained nor validated.
/// </summary>
public sealed class DatasetSplit
{
    public IReadOnlyList<WindowRef> Train { get; }
    public IReadOnlyList<WindowRef> Validation { get; }
    public IReadOnlyList<WindowRef> Test { get; }
    public long FirstCutMs { get; }
    public long SecondCutMs { get; }
    public IReadOnlySet<int> TestSeries { get; }

    public DatasetSplit(WindowDataset data, SplitOptions options)
    {
        if (options.TrainTime <= 0 || options.ValidationTime <= 0 || options.TrainTime + options.ValidationTime >= 1)
            throw new ArgumentException("train and validation time shares must be positive and leave time for the test");
        var ends = data.Series.Where(s => s.Count > 0).SelectMany(s => new[] { s.WindowEndMs[0], s.WindowEndMs[^1] }).ToList();
        if (ends.Count == 0) throw new ArgumentException("the dataset has no windows");
        long min = ends.Min(), max = ends.Max();
        FirstCutMs = min + (long)((max - min) * options.TrainTime);
        SecondCutMs = min + (long)((max - min) * (options.TrainTime + options.ValidationTime));
        long embargo = (long)options.Embargo.TotalMilliseconds;

        // Held-out entities: a seeded shuffle, so a split is reproducible from its options.
        var order = Enumerable.Range(0, data.Series.Count).ToArray();
        new Random(options.Seed).Shuffle(order);
        int testCount = data.Series.Count == 1 ? 0 : (int)Math.Round(data.Series.Count * options.TestEntities);
        TestSeries = order.Take(testCount).ToHashSet();

        List<WindowRef> train = [], validation = [], test = [];
        for (int s = 0; s < data.Series.Count; s++)
        {
            var series = data.Series[s];
            // A single series (a CSV file) is split by time alone.
            bool heldOut = TestSeries.Contains(s);
            for (int w = 0; w < series.Count; w++)
            {
                long end = series.WindowEndMs[w];
                if (end > SecondCutMs && (heldOut || testCount == 0)) test.Add(new(s, w));
                else if (heldOut) continue;
                else if (end + embargo <= FirstCutMs) train.Add(new(s, w));
                else if (end > FirstCutMs && end + embargo <= SecondCutMs) validation.Add(new(s, w));
            }
        }
        if (train.Count == 0 || validation.Count == 0 || test.Count == 0)
            throw new ArgumentException($"split left a part empty (train {train.Count}, validation {validation.Count}, test {test.Count}): the dataset is too small");
        Train = train;
        Validation = validation;
        Test = test;
    }
}
