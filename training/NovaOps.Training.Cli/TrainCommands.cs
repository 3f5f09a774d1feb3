using System.CommandLine;
using NovaOps.Contracts;
using NovaOps.Datasets;
using NovaOps.Detection;
using NovaOps.Models.Cards;
using NovaOps.Simulator;
using NovaOps.Training.Export;
using NovaOps.Training.Models;
using NovaOps.Training.Training;
using Spectre.Console;

namespace NovaOps.Training.Cli;

/// <summary><c>novaops-train anomaly|incident|series</c>: build a labelled dataset (a simulated fleet, a recording, CSV series), train, check the export, write the model.</summary>
internal static class TrainCommands
{
    public const string AnomalyModel = "anomaly-autoencoder";
    public const string IncidentModel = "incident-gru";
    public const string SeriesModel = "series-autoencoder";

    private sealed record Common(Option<int> Seed, Option<int> Vms, Option<double> Hours, Option<double> FaultsPerHour,
        Option<DirectoryInfo> ModelsDir, Option<string?> Version, Option<int> Epochs);

    private static Common CommonOptions(double faultsPerHour, int vms = 400, double hours = 12) => new(
        new Option<int>("--seed") { Description = "Seed of the simulated fleet and of training", DefaultValueFactory = _ => 42 },
        new Option<int>("--vms") { Description = "VMs in the simulated fleet", DefaultValueFactory = _ => vms },
        new Option<double>("--hours") { Description = "Simulated hours of telemetry", DefaultValueFactory = _ => hours },
        new Option<double>("--faults-per-hour") { Description = "Injected faults per simulated hour", DefaultValueFactory = _ => faultsPerHour },
        new Option<DirectoryInfo>("--models-dir", "--out") { Description = "Where models live: <dir>/<name>/<version>/", DefaultValueFactory = _ => new DirectoryInfo("models") },
        new Option<string?>("--version") { Description = "Version to write (default: one above the highest present)" },
        new Option<int>("--epochs") { Description = "Most epochs (early stopping usually ends sooner)", DefaultValueFactory = _ => 40 });

    public static Command Anomaly(string[] args)
    {
        var c = CommonOptions(faultsPerHour: 10);
        var recording = RecordingOption();
        var cmd = new Command("anomaly", "Train the anomaly autoencoder on a simulated fleet or a recording and write it to models/")
            { c.Seed, c.Vms, c.Hours, c.FaultsPerHour, c.ModelsDir, c.Version, c.Epochs, recording };
        cmd.SetAction(parse =>
        {
            var started = DateTimeOffset.UtcNow;
            var data = FleetDataset(parse, c, recording);
            var options = new AnomalyTrainingOptions { Training = new TrainingOptions { Seed = parse.GetValue(c.Seed), MaxEpochs = parse.GetValue(c.Epochs) } };
            var result = WithEpochProgress(p => AnomalyTrainer.Train(data, options, p), options.Training.MaxEpochs);
            var (dir, version) = Target(parse.GetValue(c.ModelsDir)!, AnomalyModel, parse.GetValue(c.Version));
            var card = ModelPackager.WriteAnomaly(dir, AnomalyModel, version, result, data, new Provenance(
                "novaops-train " + string.Join(' ', args), options.Training.Seed, started, new FeatureOptions().Window, new Dictionary<string, string>
                {
                    ["hidden"] = string.Join(",", options.Hidden), ["batch_size"] = options.Training.BatchSize.ToString(),
                    ["learning_rate"] = options.Training.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["patience"] = options.Training.Patience.ToString(),
                }));
            Report(card, dir, result.History);
            return 0;
        });
        return cmd;
    }

    public static Command Incident(string[] args)
    {
        // Three times the anomaly model's fault rate: onsets are the positives here, and 10 an hour left
        // too few distinct incidents to generalise from (validation PR-AUC 0.12 vs 0.27 at 30).
        var c = CommonOptions(faultsPerHour: 30);
        var horizon = new Option<double>("--horizon-minutes") { Description = "Predict incidents starting within this many minutes", DefaultValueFactory = _ => 15 };
        var windows = new Option<int>("--windows") { Description = "Consecutive feature windows per prediction", DefaultValueFactory = _ => 10 };
        var cell = new Option<RecurrentCell>("--cell") { Description = "Recurrent cell", DefaultValueFactory = _ => RecurrentCell.Gru };
        var recording = RecordingOption();
        var cmd = new Command("incident", "Train the incident predictor on a simulated fleet or a recording and write it to models/")
            { c.Seed, c.Vms, c.Hours, c.FaultsPerHour, c.ModelsDir, c.Version, c.Epochs, horizon, windows, cell, recording };
        cmd.SetAction(parse =>
        {
            var started = DateTimeOffset.UtcNow;
            var data = FleetDataset(parse, c, recording);
            // The anomaly model can learn normal from unlabelled telemetry; onsets are what this one learns.
            if (data.Incidents.Count == 0)
                throw new ArgumentException(parse.GetValue(recording) is { Length: > 0 } folders
                    ? $"the incident predictor learns from fault onsets, and {string.Join(", ", folders.Select(f => f.FullName))} hold no fault labels ({RecordingFiles.Faults}): record a region whose fault-labels topic has them"
                    : "the incident predictor learns from fault onsets, and the simulated fleet has none: raise --faults-per-hour or --hours");
            var options = new IncidentTrainingOptions
            {
                Horizon = TimeSpan.FromMinutes(parse.GetValue(horizon)), SequenceWindows = parse.GetValue(windows), Cell = parse.GetValue(cell),
                Training = new IncidentTrainingOptions().Training with { Seed = parse.GetValue(c.Seed), MaxEpochs = parse.GetValue(c.Epochs) },
            };
            var result = WithEpochProgress(p => IncidentTrainer.Train(data, options, p), options.Training.MaxEpochs);
            string name = options.Cell == RecurrentCell.Gru ? IncidentModel : "incident-lstm";
            var (dir, version) = Target(parse.GetValue(c.ModelsDir)!, name, parse.GetValue(c.Version));
            var card = ModelPackager.WriteIncident(dir, name, version, result, data, options, new Provenance(
                "novaops-train " + string.Join(' ', args), options.Training.Seed, started, new FeatureOptions().Window, new Dictionary<string, string>
                {
                    ["cell"] = options.Cell.ToString(), ["hidden"] = options.Hidden.ToString(), ["layers"] = options.Layers.ToString(),
                    ["sequence_windows"] = options.SequenceWindows.ToString(), ["horizon_min"] = options.Horizon.TotalMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["batch_size"] = options.Training.BatchSize.ToString(), ["patience"] = options.Training.Patience.ToString(),
                    ["max_positive_weight"] = options.MaxPositiveWeight.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }));
            Report(card, dir, result.History);
            return 0;
        });
        return cmd;
    }

    public static Command Series(string[] args)
    {
        // Every metric of every VM is a series: 60 VMs × 8 metrics × 4 h is already ~690k rows.
        var c = CommonOptions(faultsPerHour: 10, vms: 60, hours: 4);
        var data = new Option<DirectoryInfo?>("--data")
        {
            Description = "Train on the .csv series under this folder (timestamp,value; NAB's layout) instead of a simulated fleet",
        };
        var labels = new Option<FileInfo?>("--labels") { Description = "With --data: anomaly windows per series (NAB's combined_windows.json); their rows do not train" };
        var cmd = new Command("series", "Train the single-series anomaly model (scale-free features; detect, eval nab --detector onnx) on a simulated fleet's metrics or on CSV series")
            { c.Seed, c.Vms, c.Hours, c.FaultsPerHour, c.ModelsDir, c.Version, c.Epochs, data, labels };
        cmd.SetAction(parse =>
        {
            var started = DateTimeOffset.UtcNow;
            if (parse.GetValue(labels) is not null && parse.GetValue(data) is null) throw new ArgumentException("--labels goes with --data");
            var dataset = parse.GetValue(data) is { } folder ? SeriesFromCsv(folder, parse.GetValue(labels)) : SeriesFromSimulator(parse, c);
            AnsiConsole.MarkupLineInterpolated($"dataset: [bold]{dataset.WindowCount:N0}[/] rows of {dataset.FeatureCount} scale-free features from {dataset.Series.Count} series");
            var options = new AnomalyTrainingOptions
            {
                Hidden = [16, 4],
                Training = new TrainingOptions { Seed = parse.GetValue(c.Seed), MaxEpochs = Math.Min(20, parse.GetValue(c.Epochs)), BatchSize = 1024 },
                // Exported series come from different periods: each is cut at its own time shares.
                Split = new SplitOptions { CutEachSeries = parse.GetValue(data) is not null },
            };
            var result = WithEpochProgress(p => AnomalyTrainer.Train(dataset, options, p), options.Training.MaxEpochs);
            var (dir, version) = Target(parse.GetValue(c.ModelsDir)!, SeriesModel, parse.GetValue(c.Version));
            var card = ModelPackager.WriteAnomaly(dir, SeriesModel, version, result, dataset, new Provenance(
                "novaops-train " + string.Join(' ', args), options.Training.Seed, started, TimeSpan.Zero, new Dictionary<string, string>
                {
                    ["hidden"] = string.Join(",", options.Hidden), ["batch_size"] = options.Training.BatchSize.ToString(),
                    ["features"] = "scale-free: window mean, max and slope in units of the series' robust spread around its running level, and the robust z-score",
                    ["window"] = "one row of a series",
                }));
            Report(card, dir, result.History);
            return 0;
        });
        return cmd;
    }

    private static WindowDataset SeriesFromSimulator(ParseResult parse, Common c)
    {
        var (sim, ticks) = Fleet(parse, c);
        return Building($"simulating {sim.Vms} VMs × 8 metrics as series", progress => SeriesDatasets.FromSimulator(sim, ticks, progress));
    }

    /// <summary>A folder of exported series (NAB's layout), with their anomaly windows when given.</summary>
    private static WindowDataset SeriesFromCsv(DirectoryInfo folder, FileInfo? labels) =>
        Building($"CSV series under {folder.Name} into rows", progress => SeriesDatasets.FromCsvFolder(folder.FullName, labels?.FullName, progress));

    /// <summary><c>--data DIR...</c> of the fleet models: recordings of a region's telemetry (and fault labels).</summary>
    private static Option<DirectoryInfo[]> RecordingOption() => new("--data")
    {
        Description = $"Train on recordings instead of a simulated fleet: folders with {RecordingFiles.Telemetry}[.gz] and, for labels, {RecordingFiles.Faults} (`novaops record`, `novaops demo --run-dir`); several (e.g. one a day) are read as one, in time order",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>The recordings <c>--data</c> names, or else the simulated fleet the options ask for.</summary>
    private static WindowDataset FleetDataset(ParseResult parse, Common c, Option<DirectoryInfo[]> recording)
    {
        if (parse.GetValue(recording) is not { Length: > 0 } folders) return Simulate(parse, c);
        // These shape a simulated fleet only: silently ignoring them would train on something else than asked.
        if (new Option[] { c.Vms, c.Hours, c.FaultsPerHour }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } simOnly)
            throw new ArgumentException($"{simOnly.Name} is for a simulated fleet, not with --data");
        var data = Building($"reading {string.Join(", ", folders.Select(f => f.Name))}", progress => TelemetryDatasets.FromFolders([.. folders.Select(f => f.FullName)], progress: progress));
        var p = data.Source.Parameters;
        AnsiConsole.MarkupLineInterpolated($"dataset: [bold]{data.WindowCount:N0}[/] windows of {data.Schema.Length} features from {p["samples"]} samples of {p["vms"]} VMs ({p["from"]} to {p["to"]}), {p["faults"]} labelled faults; samples left out: {p["samples_rejected"]}");
        return data;
    }

    private static WindowDataset Simulate(ParseResult parse, Common c)
    {
        var (sim, ticks) = Fleet(parse, c);
        var data = Building($"simulating {sim.Vms} VMs × {parse.GetValue(c.Hours)} h", progress => SimulatorDatasets.Build(sim, ticks, progress: progress));
        AnsiConsole.MarkupLineInterpolated($"dataset: [bold]{data.WindowCount:N0}[/] windows of {data.Schema.Length} features, {data.Source.Parameters["faults"]} faults");
        return data;
    }

    /// <summary>The simulated fleet the options ask for, and how many ticks of it.</summary>
    private static (SimulatorOptions Options, long Ticks) Fleet(ParseResult parse, Common c)
    {
        var sim = new SimulatorOptions
        {
            Seed = parse.GetValue(c.Seed), Vms = parse.GetValue(c.Vms), FaultsPerHour = parse.GetValue(c.FaultsPerHour),
            FaultFreePrefix = TimeSpan.FromMinutes(30),
        };
        return (sim, (long)(TimeSpan.FromHours(parse.GetValue(c.Hours)) / sim.SampleInterval));
    }

    /// <summary>Builds a dataset under a progress bar.</summary>
    private static WindowDataset Building(string what, Func<IProgress<double>, WindowDataset> build)
    {
        WindowDataset? data = null;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(what);
                data = build(new Progress<double>(v => task.Value = v * 100));
                task.Value = 100;
            });
        return data!;
    }

    private static T WithEpochProgress<T>(Func<IProgress<EpochReport>, T> train, int maxEpochs)
    {
        T result = default!;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: maxEpochs);
                var progress = new SynchronousProgress<EpochReport>(r =>
                {
                    task.Value = r.Epoch;
                    task.Description = $"epoch {r.Epoch}: train loss {r.TrainLoss:F4}, {r.FigureName} {r.ValidationFigure:F4}{(r.Improved ? " *" : "")}";
                });
                result = train(progress);
                task.Value = maxEpochs;
            });
        return result;
    }

    private static (string Dir, string Version) Target(DirectoryInfo modelsDir, string name, string? version)
    {
        var root = Path.Combine(modelsDir.FullName, name);
        if (version is null)
        {
            int highest = Directory.Exists(root)
                ? Directory.GetDirectories(root).Select(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).DefaultIfEmpty(0).Max()
                : 0;
            version = (highest + 1).ToString();
        }
        return (Path.Combine(root, version), version);
    }

    private static void Report(ModelCard card, string dir, IReadOnlyList<EpochReport> history)
    {
        var epochs = new Table().Title("epochs").AddColumns("epoch", "train loss", history[0].FigureName, "");
        foreach (var r in history) epochs.AddRow($"{r.Epoch}", $"{r.TrainLoss:F4}", $"{r.ValidationFigure:F4}", r.Improved ? "best so far" : "");
        AnsiConsole.Write(epochs);
        var metrics = new Table().Title($"{card.Name} v{card.Version}: test split").AddColumns("metric", "value");
        foreach (var (k, v) in card.Metrics) metrics.AddRow(k, $"{v:F3}");
        metrics.AddRow("threshold", $"{card.Threshold:F3}");
        metrics.AddRow("test samples (positives)", $"{card.Training.Data.TestSamples:N0} ({card.Training.Data.TestPositives:N0})");
        AnsiConsole.Write(metrics);
        AnsiConsole.MarkupLineInterpolated($"wrote [bold]{dir}[/] (model.onnx, card.json, weights.pt) in {card.Training.DurationSeconds:N0} s of training");
    }

    /// <summary>Reports on the training thread (System.Progress would post to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
