using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using NovaOps.Models.Cards;
using NovaOps.Training.Export;
using NovaOps.Training.Training;

namespace NovaOps.Training.Tests;

/// <summary>Both trainers on a small simulated fleet: they learn something, are reproducible, and package a model ONNX Runtime loads.</summary>
public class TrainerTests
{
    private static readonly Provenance Provenance = new("test", 3, DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1), new Dictionary<string, string>());

    [Fact]
    public void Anomaly_autoencoder_separates_faulty_windows_and_packages()
    {
        var data = DatasetTests.Small.Value;
        var options = new AnomalyTrainingOptions { Training = new TrainingOptions { MaxEpochs = 8, Seed = 3 } };
        var result = AnomalyTrainer.Train(data, options, ct: TestContext.Current.CancellationToken);
        Assert.True(result.TestMetrics["roc_auc"] > 0.8, $"roc_auc {result.TestMetrics["roc_auc"]:F3}");
        Assert.True(result.History[^1].ValidationFigure < result.History[0].ValidationFigure, "validation loss should fall");
        Assert.InRange(result.Threshold, 0, 1);

        TorchSharp.torch.random.manual_seed(99); // the global generator's state must not matter
        var again = AnomalyTrainer.Train(data, options, ct: TestContext.Current.CancellationToken);
        Assert.Equal(result.TestMetrics["pr_auc"], again.TestMetrics["pr_auc"]); // same data and seed, same model

        var dir = Path.Combine(Path.GetTempPath(), $"novaops-model-{Guid.NewGuid():N}");
        try
        {
            var card = ModelPackager.WriteAnomaly(dir, "anomaly-test", "1", result, data, Provenance);
            var read = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(Path.Combine(dir, ModelPackager.CardFileName)))!;
            Assert.Equal(card.Onnx.Sha256, read.Onnx.Sha256);
            Assert.Equal(ModelKinds.Anomaly, read.Kind);
            Assert.Equal(32, read.Features.Names.Count);
            Assert.Equal(data.ContentHash(), read.Training.Data.Sha256);
            Assert.NotNull(read.Calibration);
            using var session = new InferenceSession(Path.Combine(dir, ModelPackager.OnnxFileName));
            Assert.Equal([ModelExport.Names.Features], session.InputNames);
            Assert.True(File.Exists(Path.Combine(dir, ModelPackager.WeightsFileName)));

            // The PyTorch-format weights load back into a fresh module and compute the same.
            using var fresh = new NovaOps.Training.Models.Autoencoder(result.Model.Features, result.Model.Hidden);
            TorchSharp.PyBridge.PyBridgeModuleExtensions.load_py(fresh, Path.Combine(dir, ModelPackager.WeightsFileName));
            fresh.eval();
            using (TorchSharp.torch.no_grad())
            {
                using var x = TorchSharp.torch.randn(5, result.Model.Features);
                using var a = result.Model.call(x);
                using var b = fresh.call(x);
                Assert.Equal(0, (a - b).abs().max().item<float>(), 6);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Incident_predictor_trains_with_early_stopping_and_packages()
    {
        var data = DatasetTests.Small.Value;
        var options = new IncidentTrainingOptions { Hidden = 8, Training = new TrainingOptions { MaxEpochs = 4, Patience = 2, Seed = 3 } };
        var result = IncidentTrainer.Train(data, options, ct: TestContext.Current.CancellationToken);
        Assert.InRange(result.BestEpoch, 1, 4);
        Assert.True(result.TestPositives > 0);
        Assert.False(double.IsNaN(result.TestMetrics["pr_auc"]));

        var dir = Path.Combine(Path.GetTempPath(), $"novaops-model-{Guid.NewGuid():N}");
        try
        {
            var card = ModelPackager.WriteIncident(dir, "incident-test", "1", result, data, options, Provenance);
            Assert.Equal(10, card.SequenceWindows);
            Assert.Equal(900, card.HorizonSeconds);
            using var session = new InferenceSession(Path.Combine(dir, ModelPackager.OnnxFileName));
            Assert.Equal([ModelExport.Names.Windows], session.InputNames);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Incident_training_refuses_a_dataset_without_incidents()
    {
        var quiet = NovaOps.Datasets.SimulatorDatasets.Build(new NovaOps.Simulator.SimulatorOptions { Seed = 1, Vms = 10, FaultsPerHour = 0 }, 600);
        var e = Assert.Throws<ArgumentException>(() => IncidentTrainer.Train(quiet, new IncidentTrainingOptions(), ct: TestContext.Current.CancellationToken));
        Assert.Contains("no incident", e.Message);
    }
}
