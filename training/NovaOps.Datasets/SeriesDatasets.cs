using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Detection.Offline;
using NovaOps.Simulator;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Datasets;

/// <summary>
/// Univariate series for the series model (<c>novaops detect</c>, <c>eval nab --detector onnx</c>): every
/// metric of every simulated VM is one series in its own units, scored row by row as a single exported
/// series is (one row, one window), and its features made scale-free (<see cref="ScaleFreeFeatures"/>)
/// so that the model meets series of any scale. A row is faulty when a fault changes that metric of that
/// VM then: measured against the same fleet simulated without faults (normal load is a pure function of
/// seed, VM and tick), so a memory leak marks the memory series, not the VM's network series.
/// </summary>
public static class SeriesDatasets
{
    public static WindowDataset FromSimulator(SimulatorOptions options, long ticks, IProgress<double>? progress = null)
    {
        options.Validate();
        var fleet = new FleetLayout(options);
        var plan = FaultPlan.Generate(fleet, ticks);
        var generator = new TelemetryGenerator(fleet, plan);
        var healthyFleet = new FleetLayout(options with { FaultsPerHour = 0 });
        var healthy = new TelemetryGenerator(healthyFleet, FaultPlan.Generate(healthyFleet, ticks));
        int metrics = MetricNames.Count;
        int n = fleet.VmCount * metrics;
        var series = new EntitySeries[n];
        var rows = new SeriesRows[n];
        for (int vm = 0; vm < fleet.VmCount; vm++)
            for (int m = 0; m < metrics; m++)
            {
                int s = vm * metrics + m;
                series[s] = new EntitySeries($"{FleetLayout.VmName(vm)}/{MetricNames.Standard[m]}", ScaleFreeFeatures.HistoryNames.Count);
                rows[s] = new SeriesRows();
            }

        var values = new double[metrics];
        var normal = new double[metrics];
        for (long tick = 0; tick < ticks; tick++)
        {
            generator.Advance(tick);
            healthy.Advance(tick);
            for (int vm = 0; vm < fleet.VmCount; vm++)
            {
                var sample = generator.Sample(vm);
                sample.CopyStandardMetrics(values);
                healthy.Sample(vm).CopyStandardMetrics(normal);
                for (int m = 0; m < metrics; m++)
                {
                    bool faulty = Math.Abs(values[m] - normal[m]) > 1e-9 * Math.Max(1, Math.Abs(normal[m]));
                    int s = vm * metrics + m;
                    if (rows[s].Next(sample.TimestampMs, values[m]) is { } row) series[s].Add(sample.TimestampMs, row, new WindowLabel(faulty, faulty, null));
                }
            }
            if (tick % 64 == 0) progress?.Report((double)tick / ticks);
        }
        progress?.Report(1);
        var parameters = new Dictionary<string, string>
        {
            ["seed"] = options.Seed.ToString(), ["vms"] = options.Vms.ToString(), ["ticks"] = ticks.ToString(),
            ["faults_per_hour"] = options.FaultsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["faults"] = plan.Faults.Count.ToString(), ["series"] = n.ToString(),
        };
        return new WindowDataset(SeriesRows.Schema, series, new DatasetSource("simulator-series",
            $"simulator run, seed {options.Seed}: {options.Vms} VMs x {metrics} metrics as single series, {ticks} rows each", parameters),
            featureNames: ScaleFreeFeatures.HistoryNames);
    }

    /// <summary>
    /// Every <c>timestamp,value</c> CSV under <paramref name="folder"/> (NAB's layout), a row inside one of its windows in
    /// <paramref name="windowsFile"/> (NAB's <c>combined_windows.json</c>) labelled anomalous: <see cref="FromSeries"/>
    /// on them, with the folder, file and window counts as the dataset's source.
    /// </summary>
    public static WindowDataset FromCsvFolder(string folder, string? windowsFile, IProgress<double>? progress = null)
    {
        var files = NovaOps.Evaluation.Nab.NabCorpus.ReadFolder(folder, windowsFile);
        var series = files.Select(f =>
        {
            var anomalous = new bool[f.Values.Count];
            foreach (var (start, end) in f.WindowRows()) Array.Fill(anomalous, true, start, end - start + 1);
            return new LabelledSeries(f.Name, f.Timestamps.Select(t => new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeMilliseconds()).ToList(), f.Values, anomalous);
        }).ToList();
        var source = new DatasetSource("csv-series",
            $"{files.Count} CSV series under {Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))} ({(windowsFile is null ? "unlabelled" : $"anomaly windows from {Path.GetFileName(windowsFile)}")})",
            new Dictionary<string, string>
            {
                ["folder"] = Path.GetFullPath(folder), ["files"] = files.Count.ToString(), ["rows"] = files.Sum(f => f.Values.Count).ToString(),
                ["labels"] = windowsFile is null ? "none" : Path.GetFullPath(windowsFile), ["labelled_windows"] = files.Sum(f => f.Windows.Count).ToString(),
            });
        return FromSeries(series, source, progress);
    }

    /// <summary>
    /// Exported series (a folder of CSV files, e.g. NAB's layout): each its own entity, its rows made into the series
    /// model's rows exactly as <c>detect</c> makes them; a row a label marks anomalous is faulty (the autoencoder
    /// trains on the others). Missing values are skipped, as <c>detect</c> skips them; rows out of time order are an error.
    /// </summary>
    public static WindowDataset FromSeries(IReadOnlyList<LabelledSeries> input, DatasetSource source, IProgress<double>? progress = null)
    {
        if (input.Count == 0) throw new ArgumentException("no series to build a dataset from");
        var series = new List<EntitySeries>(input.Count);
        foreach (var one in input)
        {
            if (one.TimestampsMs.Count != one.Values.Count || one.Anomalous.Count != one.Values.Count)
                throw new ArgumentException($"{one.Name}: {one.TimestampsMs.Count} times, {one.Values.Count} values and {one.Anomalous.Count} labels");
            var entity = new EntitySeries(one.Name, ScaleFreeFeatures.HistoryNames.Count);
            var rows = new SeriesRows();
            for (int i = 0; i < one.Values.Count; i++)
            {
                long t = one.TimestampsMs[i];
                if (i > 0 && t < one.TimestampsMs[i - 1])
                    throw new InvalidDataException($"{one.Name}: row {i + 1} ({DateTimeOffset.FromUnixTimeMilliseconds(t):u}) is earlier than the row before it");
                if (!double.IsFinite(one.Values[i])) continue;
                // A repeated time (a clock change in an export) still feeds the history, as detect reads it, but one
                // time holds one training row.
                if (rows.Next(t, one.Values[i]) is { } row && (entity.Count == 0 || t > entity.WindowEndMs[^1]))
                    entity.Add(t, row, new WindowLabel(one.Anomalous[i], one.Anomalous[i], null));
            }
            series.Add(entity);
            progress?.Report(series.Count / (double)input.Count);
        }
        return new WindowDataset(SeriesRows.Schema, series, source, featureNames: ScaleFreeFeatures.HistoryNames);
    }

    /// <summary>
    /// One series' rows for the series model, as <c>detect</c> computes them: each value its own window, its features
    /// made scale-free against the series' running level and spread, with the last rows' history.
    /// </summary>
    private sealed class SeriesRows
    {
        public static readonly FeatureSchema Schema = new(["value"]);
        private static readonly FeatureOptions Options = new();

        private readonly WindowFeatureExtractor _extractor = new(Schema, Options);
        private readonly double[] _extractorState, _transformState = new double[ScaleFreeFeatures.HistoryStateLength];
        private readonly double[] _one = new double[1], _raw = new double[Schema.Length], _row = new double[ScaleFreeFeatures.HistoryNames.Count];
        private readonly float[] _flat = new float[ScaleFreeFeatures.HistoryNames.Count];

        public SeriesRows()
        {
            _extractorState = new double[_extractor.StateLength];
            _extractor.InitState(_extractorState);
            ScaleFreeFeatures.InitWithHistory(_transformState);
        }

        /// <summary>The row of this value (reused: copy it before the next call), or null while the history fills.</summary>
        public double[]? Next(long timestampMs, double value)
        {
            _one[0] = value;
            _extractor.Add(_extractorState, timestampMs, _one, _raw);
            if (_extractor.Close(_extractorState, _raw) is null) return null;
            if (!ScaleFreeFeatures.ApplyWithHistory(_transformState, _raw, _flat, Options.Baseline)) return null;
            for (int i = 0; i < _flat.Length; i++) _row[i] = _flat[i];
            return _row;
        }
    }
}

/// <summary>One exported series: its name, row times, values, and which rows a label marks anomalous.</summary>
public sealed record LabelledSeries(string Name, IReadOnlyList<long> TimestampsMs, IReadOnlyList<double> Values, IReadOnlyList<bool> Anomalous);
