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
}
