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

    /// <summary>
    /// Cut each series at the shares of its own time range instead of the dataset's: for series exported from different
    /// periods (a folder of CSV files), where one range for all would leave some series wholly in training and others
    /// wholly after it. The future of a series still never trains.
    /// </summary>
    public bool CutEachSeries { get; init; }

    /// <summary>The split in words, for the model card.</summary>
    public string Describe()
    {
        static string Share(double x) => Math.Round(x * 100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "%";
        string time = CutEachSeries ? "of each series' own time" : "of time";
        string text = $"by entity and time: train and validation on {Share(1 - TestEntities)} of the entities (first {Share(TrainTime)} / next {Share(ValidationTime)} {time}), " +
            $"test on the other {Share(TestEntities)} over the last {Share(1 - TrainTime - ValidationTime)}";
        return Embargo > TimeSpan.Zero
            ? $"{text}; no window within {Embargo.TotalMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture)} min before a cut on its earlier side"
            : text;
    }
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
    /// <summary>The dataset-wide cuts (with <see cref="SplitOptions.CutEachSeries"/>, each series has its own).</summary>
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
        (long First, long Second) Cuts(EntitySeries series)
        {
            if (!options.CutEachSeries || series.Count == 0) return (FirstCutMs, SecondCutMs);
            long from = series.WindowEndMs[0], to = series.WindowEndMs[^1];
            return (from + (long)((to - from) * options.TrainTime), from + (long)((to - from) * (options.TrainTime + options.ValidationTime)));
        }

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
            var (first, second) = Cuts(series);
            for (int w = 0; w < series.Count; w++)
            {
                long end = series.WindowEndMs[w];
                if (end > second && (heldOut || testCount == 0)) test.Add(new(s, w));
                else if (heldOut) continue;
                else if (end + embargo <= first) train.Add(new(s, w));
                else if (end > first && end + embargo <= second) validation.Add(new(s, w));
            }
        }
        if (train.Count == 0 || validation.Count == 0 || test.Count == 0)
            throw new ArgumentException($"split left a part empty (train {train.Count}, validation {validation.Count}, test {test.Count}): the dataset is too small");
        Train = train;
        Validation = validation;
        Test = test;
    }
}
