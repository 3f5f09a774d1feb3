using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using NovaOps.Contracts;
using NovaOps.Datasets;
using NovaOps.Evaluation.Incidents;
using NovaOps.Models.Cards;
using NovaOps.Models.Onnx;
using NovaOps.Models.Registry;
using NovaOps.Simulator;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops eval incident</c>: the incident predictor on a fresh simulated fleet, with a seed and a
/// fault mix that training did not see, or on a recording of a region (<c>--data</c>), scored by ONNX Runtime as the
/// stream apps score.
/// </summary>
public static class EvalIncidentCommand
{
    /// <summary>Weights unlike the training mix (<see cref="SimulatorOptions.DefaultMix"/>): slow faults dominate, noisy neighbours are rare.</summary>
    public const string EvaluationMix = "MemoryLeak=4,DiskFilling=3,CpuRunaway=2,HostFailure=2,ZoneNetworkDegradation=1,NoisyNeighbour=0.5";

    public sealed record Result(
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("data")] string Data,
        [property: JsonPropertyName("seed")] int? Seed,
        [property: JsonPropertyName("fault_mix")] string FaultMix,
        [property: JsonPropertyName("horizon_s")] double HorizonSeconds,
        [property: JsonPropertyName("threshold")] double Threshold,
        [property: JsonPropertyName("windows")] int Windows,
        [property: JsonPropertyName("positive_windows")] int PositiveWindows,
        [property: JsonPropertyName("precision")] double Precision,
        [property: JsonPropertyName("recall")] double Recall,
        [property: JsonPropertyName("pr_auc")] double PrAuc,
        [property: JsonPropertyName("roc_auc")] double RocAuc,
        [property: JsonPropertyName("incidents")] int Incidents,
        [property: JsonPropertyName("incidents_predicted")] int IncidentsPredicted,
        [property: JsonPropertyName("incident_recall")] double IncidentRecall,
        [property: JsonPropertyName("median_lead_time_s")] double? MedianLeadTimeSeconds,
        [property: JsonPropertyName("by_kind")] IReadOnlyDictionary<string, string> ByKind,
        [property: JsonPropertyName("alarm_episodes")] int AlarmEpisodes,
        [property: JsonPropertyName("incident_precision")] double IncidentPrecision,
        [property: JsonPropertyName("incidents_with_precursor")] int IncidentsWithPrecursor,
        [property: JsonPropertyName("incident_recall_with_precursor")] double IncidentRecallWithPrecursor)
    {
        [JsonIgnore] internal int TrueEpisodes { get; init; }
        [JsonIgnore] internal int PredictedWithPrecursor { get; init; }
        [JsonIgnore] internal IReadOnlyList<double> LeadSeconds { get; init; } = [];
    }

    /// <summary>One fault mix over several held-out seeds: incident-level figures pooled over the seeds' incidents and alarm episodes.</summary>
    public sealed record MixResult(
        [property: JsonPropertyName("mix")] string Mix,
        [property: JsonPropertyName("fault_mix")] string FaultMix,
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("training_seeds")] IReadOnlyList<int> TrainingSeeds,
        [property: JsonPropertyName("seeds")] IReadOnlyList<int> Seeds,
        [property: JsonPropertyName("incidents")] int Incidents,
        [property: JsonPropertyName("alarm_episodes")] int AlarmEpisodes,
        [property: JsonPropertyName("incident_precision")] double IncidentPrecision,
        [property: JsonPropertyName("incident_recall")] double IncidentRecall,
        [property: JsonPropertyName("incident_recall_with_precursor")] double IncidentRecallWithPrecursor,
        [property: JsonPropertyName("median_lead_time_s")] double? MedianLeadTimeSeconds,
        [property: JsonPropertyName("interval95")] IReadOnlyDictionary<string, NovaOps.Evaluation.Statistics.Interval95> Interval95,
        [property: JsonPropertyName("per_seed")] IReadOnlyList<Result> PerSeed)
    {
        public static MixResult Of(string mix, string faultMix, IReadOnlyList<int> trainingSeeds, IReadOnlyList<Result> runs)
        {
            int incidents = runs.Sum(r => r.Incidents), predicted = runs.Sum(r => r.IncidentsPredicted);
            int episodes = runs.Sum(r => r.AlarmEpisodes), right = runs.Sum(r => r.TrueEpisodes);
            int withPrecursor = runs.Sum(r => r.IncidentsWithPrecursor), predictedWithPrecursor = runs.Sum(r => r.PredictedWithPrecursor);
            return new MixResult(mix, faultMix, runs[0].Model, trainingSeeds, [.. runs.Select(r => r.Seed!.Value)], incidents, episodes,
                episodes == 0 ? 1 : Math.Round(right / (double)episodes, 4),
                incidents == 0 ? 0 : Math.Round(predicted / (double)incidents, 4),
                withPrecursor == 0 ? 0 : Math.Round(predictedWithPrecursor / (double)withPrecursor, 4),
                NovaOps.Evaluation.Statistics.Median.Of(runs.SelectMany(r => r.LeadSeconds)),
                new Dictionary<string, NovaOps.Evaluation.Statistics.Interval95>
                {
                    ["incident_precision"] = NovaOps.Evaluation.Statistics.Proportion.Wilson(right, episodes),
                    ["incident_recall"] = NovaOps.Evaluation.Statistics.Proportion.Wilson(predicted, incidents),
                    ["incident_recall_with_precursor"] = NovaOps.Evaluation.Statistics.Proportion.Wilson(predictedWithPrecursor, withPrecursor),
                },
                runs);
        }
    }

    /// <summary>Kinds whose real-world counterparts announce themselves: leaks, disks filling, degrading hardware.</summary>
    public static readonly IReadOnlySet<string> PrecursorKinds = new HashSet<string>
    {
        nameof(FaultKind.MemoryLeak), nameof(FaultKind.DiskFilling), nameof(FaultKind.HostFailure),
    };

    /// <summary>The mix the shipped models were trained on (<see cref="SimulatorOptions.DefaultMix"/>), as a Kind=weight list.</summary>
    public static string TrainingMix => string.Join(",", SimulatorOptions.DefaultMix.Select(kv => $"{kv.Key}={kv.Value.ToString(CultureInfo.InvariantCulture)}"));

    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the fresh fleet (the shipped model trained on seed 42)", DefaultValueFactory = _ => 7 };
        var vms = new Option<int>("--vms") { Description = "VMs in the fleet", DefaultValueFactory = _ => 300 };
        var hours = new Option<double>("--hours") { Description = "Simulated hours", DefaultValueFactory = _ => 8 };
        var faults = new Option<double>("--faults-per-hour") { Description = "Injected faults per simulated hour", DefaultValueFactory = _ => 20 };
        var mix = new Option<string>("--fault-mix") { Description = "Kind=weight list of fault kinds", DefaultValueFactory = _ => EvaluationMix };
        var models = new Option<DirectoryInfo?>("--models-dir") { Description = "Models folder (default: the anomaly model's folder from the settings)" };
        var name = new Option<string>("--model") { Description = "Incident model name", DefaultValueFactory = _ => "incident-gru" };
        var version = new Option<string?>("--model-version") { Description = "Model version (default: the highest)" };
        var recording = new Option<DirectoryInfo[]>("--data")
        {
            Description = "Evaluate on recordings with their fault labels (`novaops record`; several are read as one, in time order) instead of a fresh simulated fleet",
            AllowMultipleArgumentsPerToken = true,
        };
        var seeds = new Option<string?>("--seeds")
        {
            Description = $"Run on each of these held-out seeds (e.g. {string.Join(",", SimulatorSeeds.Evaluation)}) with the training fault mix and the unseen one, side by side",
        };
        var json = CommonOptions.Json("the metrics");
        var cmd = new Command("incident", "Precision, recall, PR-AUC and lead time of the incident predictor on a fresh simulated fleet or a recording")
            { seed, seeds, vms, hours, faults, mix, models, name, version, recording, json };
        cmd.SetAction(parse =>
        {
            if (Demo.SeedStatistics.ParseSeeds(parse.GetValue(seeds)) is { } seedList)
            {
                if (parse.GetValue(recording) is { Length: > 0 }) throw new CliException("--seeds is for simulated fleets, not with --data");
                var registryOptions = new ModelRegistryOptions
                {
                    Directory = parse.GetValue(models)?.FullName ?? settings.Anomaly.Model.Directory, Name = parse.GetValue(name)!, Version = parse.GetValue(version),
                };
                var trainingSeeds = TrainingSeeds(registryOptions, settings);
                if (seedList.Where(trainingSeeds.Contains).ToList() is [var trained, ..])
                    throw new CliException($"--seeds: {trained} trained the model ({registryOptions.Name}); score it on seeds it never saw");
                var mixes = new List<MixResult>();
                foreach (var (label, text) in new[] { ("training", TrainingMix), ("unseen", parse.GetValue(mix)!) })
                {
                    var runs = new List<Result>();
                    foreach (int s in seedList)
                    {
                        console.MarkupLineInterpolated($"{label} mix, seed {s}: {parse.GetValue(vms)} VMs × {parse.GetValue(hours)} h");
                        var fleet = new SimulatorOptions
                        {
                            Seed = s, Vms = parse.GetValue(vms), FaultsPerHour = parse.GetValue(faults), FaultMix = ParseMix(text), FaultFreePrefix = TimeSpan.FromMinutes(30),
                        };
                        runs.Add(Run(fleet, parse.GetValue(hours), registryOptions, text, settings));
                    }
                    mixes.Add(MixResult.Of(label, text, trainingSeeds, runs));
                }
                PrintMixes(console, mixes);
                JsonOutput.Write(parse.GetValue(json), mixes);
                return 0;
            }
            if (parse.GetValue(recording) is { Length: > 0 }
                && new Option[] { seed, vms, hours, faults, mix }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } simOnly)
                throw new CliException($"{simOnly.Name} is for a simulated fleet, not with --data");
            var options = new SimulatorOptions
            {
                Seed = parse.GetValue(seed), Vms = parse.GetValue(vms), FaultsPerHour = parse.GetValue(faults),
                FaultMix = ParseMix(parse.GetValue(mix)!), FaultFreePrefix = TimeSpan.FromMinutes(30),
            };
            var registry = new ModelRegistryOptions
            {
                Directory = parse.GetValue(models)?.FullName ?? settings.Anomaly.Model.Directory,
                Name = parse.GetValue(name)!, Version = parse.GetValue(version),
            };
            Result result = null!;
            console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn()).Start(ctx =>
            {
                var data = parse.GetValue(recording) ?? [];
                var task = ctx.AddTask(data.Length == 0 ? $"simulating {options.Vms} VMs × {parse.GetValue(hours)} h (seed {options.Seed})" : $"reading {string.Join(", ", data.Select(d => d.Name))}");
                var progress = new Progress<double>(v => task.Value = v * 100);
                result = data.Length == 0
                    ? Run(options, parse.GetValue(hours), registry, parse.GetValue(mix)!, settings, progress)
                    : RunOnRecording([.. data.Select(d => d.FullName)], registry, settings, progress);
                task.Value = 100;
            });
            var table = new Table().Title($"eval incident: {result.Model} on {result.Data}").AddColumns("metric", "value")
                .AddRow("windows scored (positive)", $"{result.Windows:N0} ({result.PositiveWindows:N0})")
                .AddRow("PR-AUC / ROC-AUC", $"{result.PrAuc:F3} / {result.RocAuc:F3}")
                .AddRow($"precision / recall at {result.Threshold:F3}", $"{result.Precision:F3} / {result.Recall:F3}")
                .AddRow("incidents predicted 1 h – 1 min ahead", $"{result.IncidentsPredicted} of {result.Incidents} ({result.IncidentRecall:P0})")
                .AddRow("  of kinds with a precursor", $"{result.IncidentRecallWithPrecursor:P0} of {result.IncidentsWithPrecursor}")
                .AddRow("alarm episodes right (precision)", $"{result.IncidentPrecision:P1} of {result.AlarmEpisodes:N0}")
                .AddRow("median lead time", result.MedianLeadTimeSeconds is { } lead ? $"{lead:F0} s" : "-");
            foreach (var (kind, value) in result.ByKind) table.AddRow($"  {kind}", value);
            console.Write(table);
            JsonOutput.Write(parse.GetValue(json), result);
            return 0;
        });
        return cmd;
    }

    /// <summary>The evaluation itself; progress of the simulation goes to <paramref name="progress"/> (the command renders it).</summary>
    public static Result Run(SimulatorOptions options, double hours, ModelRegistryOptions modelOptions, string mixText, NovaOpsSettings settings,
        IProgress<double>? progress = null)
    {
        if (hours <= 0 || options.Vms < 1) throw new CliException("--hours and --vms must be positive");
        long ticks = (long)(TimeSpan.FromHours(hours) / options.SampleInterval);
        return Evaluate(modelOptions, settings, () => SimulatorDatasets.Build(options, ticks, settings.Anomaly.Features, progress), options.Seed, mixText);
    }

    /// <summary>The evaluation on recordings (<c>novaops record</c>): their telemetry, windowed as the topology does, against their fault labels.</summary>
    public static Result RunOnRecording(IReadOnlyList<string> directories, ModelRegistryOptions modelOptions, NovaOpsSettings settings, IProgress<double>? progress = null) =>
        Evaluate(modelOptions, settings, () =>
        {
            var data = TelemetryDatasets.FromFolders(directories, settings.Anomaly.Features, progress);
            return data.Incidents.Count > 0 ? data
                : throw new CliException($"{string.Join(", ", directories)} hold no fault labels ({RecordingFiles.Faults}): there is nothing to predict against");
        }, seed: null, mixText: null);

    /// <summary>Scores every window of <paramref name="build"/>'s dataset (the model is loaded first: a bad model fails before the data is read).</summary>
    private static Result Evaluate(ModelRegistryOptions modelOptions, NovaOpsSettings settings, Func<WindowDataset> build, int? seed, string? mixText)
    {
        var running = new RunningFeatures(new Detection.FeatureSchema(MetricNames.Standard), settings.Anomaly.Features.Window);
        using var registry = ModelRegistry.Open(modelOptions, ModelKinds.Incident, running, poll: false);
        var scorer = new IncidentModelScorer(registry.Active);
        var data = build();

        // Every window with a full history that is not already inside an incident, in batches of 1024.
        int w = scorer.SequenceWindows, f = scorer.Features;
        var windows = new List<ScoredWindow>();
        var buffer = new float[1024 * w * f];
        var probabilities = new double[1024];
        var pending = new List<(int Series, int Window)>(1024);
        void Flush()
        {
            scorer.Score(buffer.AsMemory(0, pending.Count * w * f), probabilities);
            for (int k = 0; k < pending.Count; k++)
            {
                var (s, i) = pending[k];
                var series = data.Series[s];
                windows.Add(new ScoredWindow(s, series.WindowEndMs[i], probabilities[k], series.Labels[i].IncidentWithin(scorer.Horizon)));
            }
            pending.Clear();
        }
        for (int s = 0; s < data.Series.Count; s++)
        {
            var series = data.Series[s];
            for (int i = w - 1; i < series.Count; i++)
            {
                if (series.Labels[i].InIncident) continue;
                for (int j = 0; j < w; j++) series.Features[i - w + 1 + j].CopyTo(buffer, (pending.Count * w + j) * f);
                pending.Add((s, i));
                if (pending.Count == 1024) Flush();
            }
        }
        if (pending.Count > 0) Flush();

        var incidents = data.Incidents.Select(i => new IncidentOnset(i.Id, i.Kind, i.OnsetMs, i.Series)).ToList();
        var report = IncidentEvaluation.Evaluate(windows, incidents, registry.Active.Card.Threshold,
            TimeSpan.FromSeconds(registry.Active.Card.Features.WindowSeconds), PrecursorKinds);
        return new Result(registry.Active.Id, data.Source.Description, seed, mixText ?? data.Source.Parameters["fault_mix"], scorer.Horizon.TotalSeconds, report.Threshold,
            report.Windows, report.PositiveWindows, Math.Round(report.Precision, 4), Math.Round(report.Recall, 4),
            Math.Round(report.PrAuc, 4), Math.Round(report.RocAuc, 4), report.Incidents, report.IncidentsPredicted,
            Math.Round(report.IncidentRecall, 4), report.MedianLeadTimeSeconds,
            report.ByKind.OrderBy(k => k.Key).ToDictionary(k => k.Key, k => $"{k.Value.Predicted} of {k.Value.Incidents} predicted"),
            report.AlarmEpisodes, Math.Round(report.EpisodePrecision, 4), report.IncidentsWithPrecursor, Math.Round(report.RecallWithPrecursor, 4))
        {
            TrueEpisodes = report.TrueEpisodes, PredictedWithPrecursor = report.PredictedWithPrecursor, LeadSeconds = report.LeadSeconds ?? [],
        };
    }

    /// <summary>The seeds the model's card says it was trained on.</summary>
    private static IReadOnlyList<int> TrainingSeeds(ModelRegistryOptions options, NovaOpsSettings settings)
    {
        var running = new RunningFeatures(new Detection.FeatureSchema(MetricNames.Standard), settings.Anomaly.Features.Window);
        using var registry = ModelRegistry.Open(options, ModelKinds.Incident, running, poll: false);
        return [registry.Active.Card.Training.Seed];
    }

    private static void PrintMixes(IAnsiConsole console, IReadOnlyList<MixResult> mixes)
    {
        var table = new Table().Title($"eval incident: {mixes[0].Model}, seeds {string.Join(",", mixes[0].Seeds)}")
            .AddColumns("mix", "incidents", "precision", "recall", "w/ precursor", "lead (s)");
        foreach (var m in mixes)
            table.AddRow(m.Mix, $"{m.Incidents}", $"{m.IncidentPrecision:F3}", $"{m.IncidentRecall:F3}", $"{m.IncidentRecallWithPrecursor:F3}",
                m.MedianLeadTimeSeconds is { } l ? $"{l:F0}" : "-");
        console.Write(table);
    }

    private static Dictionary<FaultKind, double> ParseMix(string text)
    {
        var mix = new Dictionary<FaultKind, double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=');
            if (kv.Length != 2 || !Enum.TryParse<FaultKind>(kv[0], ignoreCase: true, out var kind)
                || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight < 0)
                throw new CliException($"--fault-mix: '{part}' is not Kind=weight (kinds: {string.Join(", ", Enum.GetNames<FaultKind>())})");
            mix[kind] = weight;
        }
        if (mix.Values.Sum() <= 0) throw new CliException("--fault-mix gives no fault a positive weight");
        return mix;
    }
}
