using NovaOps.Cli;
using NovaOps.Cli.Commands;
using NovaOps.Models.Registry;
using NovaOps.Simulator;

namespace NovaOps.Cli.Tests;

public class EvalIncidentCommandTests
{
    private static readonly NovaOpsSettings Settings = NovaOpsSettings.Load();

    [Fact]
    public void The_shipped_predictor_beats_chance_on_a_fleet_it_never_saw()
    {
        var options = new SimulatorOptions
        {
            Seed = 11, Vms = 80, FaultsPerHour = 20, FaultFreePrefix = TimeSpan.FromMinutes(30),
            FaultMix = new Dictionary<Contracts.FaultKind, double> { [Contracts.FaultKind.MemoryLeak] = 1, [Contracts.FaultKind.DiskFilling] = 1 },
        };
        var result = EvalIncidentCommand.Run(options, hours: 4, new ModelRegistryOptions { Directory = Settings.Anomaly.Model.Directory, Name = "incident-gru" },
            "MemoryLeak=1,DiskFilling=1", Settings);
        Assert.Equal("incident-gru/1", result.Model);
        Assert.True(result.Incidents > 10, $"{result.Incidents} incidents");
        double positiveRate = result.PositiveWindows / (double)result.Windows;
        // Slow faults have long precursors: the model must rank their windows well above chance.
        Assert.True(result.PrAuc > 2 * positiveRate, $"PR-AUC {result.PrAuc:F3} vs positive rate {positiveRate:F3}");
        Assert.True(result.RocAuc > 0.6, $"ROC-AUC {result.RocAuc:F3}");
        Assert.True(result.MedianLeadTimeSeconds > 0);
    }

    [Fact]
    public void A_recording_of_a_fleet_scores_as_the_fleet_simulated_in_process()
    {
        var options = new SimulatorOptions { Seed = 12, Vms = 40, FaultsPerHour = 20, FaultFreePrefix = TimeSpan.FromMinutes(30) };
        var models = new ModelRegistryOptions { Directory = Settings.Anomaly.Model.Directory, Name = "incident-gru" };
        var simulated = EvalIncidentCommand.Run(options, hours: 3, models, "default", Settings);
        var dir = Directory.CreateTempSubdirectory("novaops-eval-recording-");
        try
        {
            NovaOps.Tests.Shared.SimulatedRecording.Write(dir.FullName, options, 3 * 360);
            var recorded = EvalIncidentCommand.RunOnRecording([dir.FullName], models, Settings);
            Assert.Null(recorded.Seed);
            Assert.StartsWith("recorded telemetry", recorded.Data);
            Assert.True(simulated.Incidents > 5, $"{simulated.Incidents} incidents");
            Assert.Equal((simulated.Windows, simulated.PositiveWindows, simulated.PrAuc, simulated.Incidents, simulated.IncidentsPredicted, simulated.MedianLeadTimeSeconds),
                (recorded.Windows, recorded.PositiveWindows, recorded.PrAuc, recorded.Incidents, recorded.IncidentsPredicted, recorded.MedianLeadTimeSeconds));

            File.Delete(Path.Combine(dir.FullName, Contracts.RecordingFiles.Faults));
            Assert.Contains("no fault labels", Assert.Throws<CliException>(() => EvalIncidentCommand.RunOnRecording([dir.FullName], models, Settings)).Message);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void A_bad_fault_mix_or_missing_model_is_a_clear_error()
    {
        var options = new SimulatorOptions { Seed = 1, Vms = 10 };
        Assert.Throws<ModelLoadException>(() => EvalIncidentCommand.Run(options, 1,
            new ModelRegistryOptions { Directory = Settings.Anomaly.Model.Directory, Name = "no-such-model" }, "", Settings));
    }

    [Fact]
    public async Task Held_out_seeds_give_the_training_and_the_unseen_mix_side_by_side()
    {
        var json = Path.Combine(Path.GetTempPath(), $"novaops-incident-{Guid.NewGuid():N}.json");
        int exit = await EvalIncidentCommand.Create(Settings, new Spectre.Console.Testing.TestConsole())
            .Parse(["--seeds", "101,102", "--vms", "40", "--hours", "3", "--json", json])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        var mixes = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().ToList();
        Assert.Equal(["training", "unseen"], mixes.Select(m => m.GetProperty("mix").GetString()));
        foreach (var m in mixes)
        {
            foreach (string key in (string[])["incident_precision", "incident_recall", "incident_recall_with_precursor", "median_lead_time_s", "per_seed", "mix"])
                Assert.True(m.TryGetProperty(key, out _), $"no {key}");
            Assert.Equal([42], m.GetProperty("training_seeds").EnumerateArray().Select(s => s.GetInt32())); // from the model's card
            Assert.Equal(2, m.GetProperty("per_seed").GetArrayLength());
            Assert.True(m.GetProperty("incidents").GetInt32() > 0);
            Assert.InRange(m.GetProperty("incident_recall").GetDouble(), 0, 1);
            Assert.InRange(m.GetProperty("incident_precision").GetDouble(), 0, 1);
        }
        Assert.NotEqual(mixes[0].GetProperty("fault_mix").GetString(), mixes[1].GetProperty("fault_mix").GetString());
        File.Delete(json);

        // The training seed is refused: its figures would flatter the model.
        await Assert.ThrowsAsync<CliException>(() => EvalIncidentCommand.Create(Settings, new Spectre.Console.Testing.TestConsole())
            .Parse(["--seeds", "42,101"]).InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken));
    }
}
