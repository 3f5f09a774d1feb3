using System.Diagnostics;
using System.Text.Json;
using NovaOps.Models.Cards;

namespace NovaOps.Cli.Tests;

/// <summary><c>novaops train</c> runs the training tool (built in Release by test.sh) and the model lands in models/.</summary>
public class TrainCommandTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "novaops.dll");

    private static string TrainingTool() => NovaOps.Tests.Shared.Repository.Path("training", "NovaOps.Training.Cli", "bin", "Release", "net10.0", "novaops-train");

    private static async Task<(int Code, string Output)> Run(string? trainingTool, string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [Cli, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        psi.Environment["NOVAOPS_TRAIN"] = trainingTool ?? Path.Combine(workDir, "no-such-tool");
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (p.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Train_runs_the_training_tool_and_writes_a_model()
    {
        string tool = TrainingTool();
        Assert.True(File.Exists(tool), $"{tool} is missing: `dotnet build -c Release training/NovaOps.Training.Cli` (test.sh does)");
        var dir = Directory.CreateTempSubdirectory("novaops-train-");
        try
        {
            var (code, output) = await Run(tool, dir.FullName, "train", "anomaly", "--vms", "30", "--hours", "2", "--epochs", "2", "--seed", "3");
            Assert.True(code == 0, output);
            var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(Path.Combine(dir.FullName, "models", "anomaly-autoencoder", "1", "card.json")))!;
            Assert.Equal(3, card.Training.Seed);
            Assert.Equal(2, card.Training.Epochs);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task Train_series_learns_from_a_folder_of_csv_series_and_detect_scores_with_the_model()
    {
        string tool = TrainingTool();
        Assert.True(File.Exists(tool), $"{tool} is missing: `dotnet build -c Release training/NovaOps.Training.Cli` (test.sh does)");
        string nab = NovaOps.Tests.Shared.SharedDatasets.Require("nab-dev", "NAB development subset");
        var dir = Directory.CreateTempSubdirectory("novaops-train-");
        try
        {
            string models = Path.Combine(dir.FullName, "m");
            var (code, output) = await Run(tool, dir.FullName, "train", "series", "--data", Path.Combine(nab, "data"),
                "--labels", Path.Combine(nab, "combined_windows.json"), "--epochs", "2", "--out", models);
            Assert.True(code == 0, output);
            var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(Path.Combine(models, "series-autoencoder", "1", "card.json")))!;
            Assert.Equal("28", card.Training.Data.Parameters["files"]);
            Assert.True(int.Parse(card.Training.Data.Parameters["labelled_windows"]) > 20, "the labels matched the files by their NAB names");
            Assert.Contains("each series' own time", card.Training.Data.Split);
            Assert.True(card.Training.Data.TestSamples > 1000, $"{card.Training.Data.TestSamples} test rows");

            // The model trained on CSV series is a series model like the shipped one: detect scores with it.
            string scored = Path.Combine(dir.FullName, "scored.csv");
            var (detectCode, detectOutput) = await Run(tool, dir.FullName, "detect", "--input", Path.Combine(nab, "data", "realAWSCloudwatch", "ec2_cpu_utilization_24ae8d.csv"),
                "--output", scored, "--detector", "onnx", "--models-dir", models, "--likelihood");
            Assert.True(detectCode == 0, detectOutput);
            Assert.Contains("likelihood(series-autoencoder/1)", detectOutput);
            Assert.Equal(File.ReadAllLines(Path.Combine(nab, "data", "realAWSCloudwatch", "ec2_cpu_utilization_24ae8d.csv")).Length, File.ReadAllLines(scored).Length);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task Train_incident_learns_from_a_recording_and_refuses_options_of_a_simulated_fleet()
    {
        string tool = TrainingTool();
        Assert.True(File.Exists(tool), $"{tool} is missing: `dotnet build -c Release training/NovaOps.Training.Cli` (test.sh does)");
        var dir = Directory.CreateTempSubdirectory("novaops-train-");
        try
        {
            // Two recordings, as if one an hour: read as one.
            string recording = Directory.CreateDirectory(Path.Combine(dir.FullName, "hour-1")).FullName, later = Directory.CreateDirectory(Path.Combine(dir.FullName, "hour-2")).FullName;
            NovaOps.Tests.Shared.SimulatedRecording.Write([recording, later],
                new NovaOps.Simulator.SimulatorOptions { Seed = 11, Vms = 48, FaultsPerHour = 30, FaultFreePrefix = TimeSpan.FromMinutes(20) }, 720);
            string models = Path.Combine(dir.FullName, "m");
            var (code, output) = await Run(tool, dir.FullName, "train", "incident", "--data", later, recording, "--epochs", "2", "--out", models);
            Assert.True(code == 0, output);
            var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(Path.Combine(models, "incident-gru", "1", "card.json")))!;
            Assert.StartsWith("recorded telemetry in hour-1, hour-2:", card.Training.Data.Source);
            Assert.Equal("2 of 2", card.Training.Data.Parameters["labelled_recordings"]);
            Assert.Equal("48", card.Training.Data.Parameters["vms"]);
            Assert.Equal((48 * 720).ToString(), card.Training.Data.Parameters["samples"]);
            Assert.True(card.Training.Data.TestPositives > 0, "the recorded fault labels made positives");

            var (refused, message) = await Run(tool, dir.FullName, "train", "anomaly", "--data", recording, "--hours", "3", "--out", models);
            Assert.Equal(2, refused);
            Assert.Contains("--hours is for a simulated fleet", message);

            // Telemetry without fault labels: the anomaly model can learn normal from it, the incident predictor cannot.
            File.Delete(Path.Combine(recording, NovaOps.Contracts.RecordingFiles.Faults));
            File.Delete(Path.Combine(later, NovaOps.Contracts.RecordingFiles.Faults));
            var (unlabelled, why) = await Run(tool, dir.FullName, "train", "incident", "--data", recording, later, "--out", models);
            Assert.Equal(2, unlabelled);
            Assert.Contains("learns from fault onsets", why);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task Without_the_training_tool_train_says_how_to_get_it()
    {
        var dir = Directory.CreateTempSubdirectory("novaops-train-");
        try
        {
            var (code, output) = await Run(null, dir.FullName, "train", "incident");
            Assert.Equal(2, code);
            Assert.Contains("novaops-train not found", output);
        }
        finally { dir.Delete(recursive: true); }
    }
}
