using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Simulator;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Datasets;

/// <summary>
/// Builds a labelled window dataset from a simulator run: the fleet's telemetry goes through the very
/// feature extractor the anomaly topology runs (so a model trains on what it will score), and each
/// window is labelled from the fault plan's ground truth.
/// </summary>
public static class SimulatorDatasets
{
    public static WindowDataset Build(SimulatorOptions options, long ticks, FeatureOptions? features = null, IProgress<double>? progress = null)
    {
        options.Validate();
        var fleet = new FleetLayout(options);
        var plan = FaultPlan.Generate(fleet, ticks);
        var generator = new TelemetryGenerator(fleet, plan);
        var schema = new FeatureSchema(MetricNames.Standard);
        var extractor = new WindowFeatureExtractor(schema, features ?? new FeatureOptions());

        var faultsOfVm = new FaultWindows?[fleet.VmCount];
        foreach (var f in plan.Faults)
        {
            long precursor = generator.TickToMs(f.PrecursorStartTick), onset = generator.TickToMs(f.OnsetTick), end = generator.TickToMs(f.EndTick);
            foreach (int vm in f.AffectedVms) (faultsOfVm[vm] ??= new()).AddOwn(precursor, onset, end);
            foreach (int vm in f.Cascade.Keys) (faultsOfVm[vm] ??= new()).AddCascade(onset, end);
        }

        var series = new EntitySeries[fleet.VmCount];
        var states = new double[fleet.VmCount][];
        for (int vm = 0; vm < fleet.VmCount; vm++)
        {
            series[vm] = new EntitySeries(FleetLayout.VmName(vm), schema.Length);
            states[vm] = new double[extractor.StateLength];
            extractor.InitState(states[vm]);
        }
        var values = new double[MetricNames.Count];
        var row = new double[schema.Length];
        for (long tick = 0; tick < ticks; tick++)
        {
            generator.Advance(tick);
            for (int vm = 0; vm < fleet.VmCount; vm++)
            {
                var sample = generator.Sample(vm);
                sample.CopyStandardMetrics(values);
                if (extractor.Add(states[vm], sample.TimestampMs, values, row) is { } w)
                    series[vm].Add(w.EndMs, row, FaultWindows.Label(faultsOfVm[vm], w.StartMs, w.EndMs));
            }
            if (tick % 64 == 0) progress?.Report((double)tick / ticks);
        }
        progress?.Report(1);

        var parameters = new Dictionary<string, string>
        {
            ["seed"] = options.Seed.ToString(), ["vms"] = options.Vms.ToString(), ["ticks"] = ticks.ToString(),
            ["sample_interval_s"] = options.SampleInterval.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["faults_per_hour"] = options.FaultsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["faults"] = plan.Faults.Count.ToString(),
            ["fault_mix"] = string.Join(",", options.FaultMix.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key}:{kv.Value}")),
        };
        var incidents = plan.Faults.Select(f => new Incident(f.Id, f.Kind.ToString(), generator.TickToMs(f.PrecursorStartTick),
            generator.TickToMs(f.OnsetTick), generator.TickToMs(f.EndTick), f.AffectedVms)).ToList();
        return new WindowDataset(schema, series, new DatasetSource("simulator", $"simulator run, seed {options.Seed}, {options.Vms} VMs, {ticks} ticks", parameters), incidents);
    }
}
