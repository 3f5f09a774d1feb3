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
        var schema = new FeatureSchema(["value"]);
        var featureOptions = new FeatureOptions();
        var extractor = new WindowFeatureExtractor(schema, featureOptions);
        int metrics = MetricNames.Count;

        int n = fleet.VmCount * metrics;
        var series = new EntitySeries[n];
        var extractorStates = new double[n][];
        var transformStates = new double[n][];
        for (int vm = 0; vm < fleet.VmCount; vm++)
            for (int m = 0; m < metrics; m++)
            {
                int s = vm * metrics + m;
                series[s] = new EntitySeries($"{FleetLayout.VmName(vm)}/{MetricNames.Standard[m]}", ScaleFreeFeatures.HistoryNames.Count);
                extractor.InitState(extractorStates[s] = new double[extractor.StateLength]);
                ScaleFreeFeatures.InitWithHistory(transformStates[s] = new double[ScaleFreeFeatures.HistoryStateLength]);
            }

        var values = new double[metrics];
        var normal = new double[metrics];
        var one = new double[1];
        var raw = new double[schema.Length];
        var flat = new float[ScaleFreeFeatures.HistoryNames.Count];
        var row = new double[flat.Length];
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
                    one[0] = values[m];
                    extractor.Add(extractorStates[s], sample.TimestampMs, one, raw);
                    if (extractor.Close(extractorStates[s], raw) is null) continue;
                    if (!ScaleFreeFeatures.ApplyWithHistory(transformStates[s], raw, flat, featureOptions.Baseline)) continue;
                    for (int i = 0; i < flat.Length; i++) row[i] = flat[i];
                    series[s].Add(sample.TimestampMs, row, new WindowLabel(faulty, faulty, null));
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
        return new WindowDataset(schema, series, new DatasetSource("simulator-series",
            $"simulator run, seed {options.Seed}: {options.Vms} VMs x {metrics} metrics as single series, {ticks} rows each", parameters),
            featureNames: ScaleFreeFeatures.HistoryNames);
    }
}
