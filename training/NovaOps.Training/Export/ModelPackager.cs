using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NovaOps.Datasets;
using NovaOps.Models.Calibration;
using NovaOps.Models.Cards;
using NovaOps.Onnx.Graph;
using NovaOps.Onnx.Layers;
using NovaOps.Training.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NovaOps.Training.Export;

/// <summary>How a model was produced, for its card.</summary>
public sealed record Provenance(string Command, int Seed, DateTimeOffset StartedUtc, TimeSpan FeatureWindow, IReadOnlyDictionary<string, string> Hyperparameters);

/// <summary>
/// Writes a trained model as <c>&lt;dir&gt;/model.onnx</c>, <c>card.json</c> and <c>weights.pt</c> (PyTorch
/// format, through TorchSharp.PyBridge, for a Python data scientist). Before writing, the ONNX graph is
/// run in ONNX Runtime on test inputs and must agree with TorchSharp to 1e-4.
/// </summary>
public static class ModelPackager
{
    public const string OnnxFileName = "model.onnx";
    public const string CardFileName = "card.json";
    public const string WeightsFileName = "weights.pt";
    private const double ParityTolerance = 1e-4;

    public static ModelCard WriteAnomaly(string directory, string name, string version, AnomalyTrainingResult result, WindowDataset data, Provenance provenance)
    {
        var standardization = new Standardization(result.Standardization.Mean, result.Standardization.Std, result.Standardization.Clip);
        var onnx = ModelExport.Autoencoder(result.Model, standardization, version, Metadata(name, version));
        int f = data.FeatureCount;
        CheckParity(onnx, ModelExport.Names.Features, [f], ModelExport.Names.ReconstructionError, data, x =>
        {
            using var z = TorchStandardization.Apply(x, result.Standardization);
            using var r = result.Model.call(z);
            return (z - r).square().mean([1]);
        }, rowsPerSample: 1);

        var card = new ModelCard
        {
            Name = name, Version = version, Kind = ModelKinds.Anomaly,
            Description = $"Autoencoder ({string.Join("-", result.Model.Hidden)}) over one VM feature window; reconstruction error calibrated on normal validation windows.",
            Onnx = new OnnxFile(OnnxFileName, OnnxGraph.Opset, ""),
            Inputs = [new(ModelExport.Names.Features, [-1, f])],
            Outputs = [new(ModelExport.Names.ReconstructionError, [-1]), new(ModelExport.Names.FeatureErrors, [-1, f])],
            Features = Features(data, provenance),
            Standardization = new StandardizationSpec(result.Standardization.Mean, result.Standardization.Std, result.Standardization.Clip),
            Calibration = new CalibrationSpec(EmpiricalCdf.Kind, result.Calibration.Quantiles),
            Threshold = result.Threshold,
            Training = Training(provenance, result.History.Count, result.BestEpoch, result.Duration, data,
                result.TrainSamples, result.ValidationSamples, result.TestSamples, result.TestPositives, result.Split),
            Metrics = result.TestMetrics,
        };
        return Write(directory, onnx, card, result.Model);
    }

    public static ModelCard WriteIncident(string directory, string name, string version, IncidentTrainingResult result, WindowDataset data,
        IncidentTrainingOptions options, Provenance provenance)
    {
        var standardization = new Standardization(result.Standardization.Mean, result.Standardization.Std, result.Standardization.Clip);
        int f = data.FeatureCount, w = options.SequenceWindows;
        var onnx = ModelExport.IncidentPredictor(result.Model, standardization, w, version, Metadata(name, version));
        CheckParity(onnx, ModelExport.Names.Windows, [w, f], ModelExport.Names.Probability, data, x =>
        {
            using var z = TorchStandardization.Apply(x, result.Standardization);
            using var logits = result.Model.call(z);
            return logits.sigmoid();
        }, rowsPerSample: w);

        var card = new ModelCard
        {
            Name = name, Version = version, Kind = ModelKinds.Incident,
            Description = $"{result.Model.Cell} ({result.Model.LayerCount}x{result.Model.HiddenSize}) over a VM's last {w} windows: probability of an incident within {options.Horizon.TotalMinutes:0} min.",
            Onnx = new OnnxFile(OnnxFileName, OnnxGraph.Opset, ""),
            Inputs = [new(ModelExport.Names.Windows, [-1, w, f])],
            Outputs = [new(ModelExport.Names.Probability, [-1])],
            Features = Features(data, provenance),
            Standardization = new StandardizationSpec(result.Standardization.Mean, result.Standardization.Std, result.Standardization.Clip),
            SequenceWindows = w,
            HorizonSeconds = options.Horizon.TotalSeconds,
            Threshold = result.Threshold,
            Training = Training(provenance, result.History.Count, result.BestEpoch, result.Duration, data,
                result.TrainSamples, result.ValidationSamples, result.TestSamples, result.TestPositives, result.Split),
            Metrics = result.TestMetrics,
        };
        return Write(directory, onnx, card, result.Model);
    }

    private static ModelCard Write(string directory, global::Onnx.ModelProto onnx, ModelCard card, nn.Module model)
    {
        Directory.CreateDirectory(directory);
        var bytes = onnx.ToByteArray();
        File.WriteAllBytes(Path.Combine(directory, OnnxFileName), bytes);
        card = card with { Onnx = card.Onnx with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) } };
        File.WriteAllText(Path.Combine(directory, CardFileName), JsonSerializer.Serialize(card, ModelCard.Json) + "\n");
        model.save_py(Path.Combine(directory, WeightsFileName));
        return card;
    }

    private static Dictionary<string, string> Metadata(string name, string version) => new() { ["novaops.model"] = name, ["novaops.version"] = version };

    private static FeatureSpec Features(WindowDataset data, Provenance p) =>
        new(data.Schema.Metrics, data.FeatureNames, p.FeatureWindow.TotalSeconds);

    private static TrainingSpec Training(Provenance p, int epochs, int bestEpoch, TimeSpan duration, WindowDataset data,
        int train, int validation, int test, int testPositives, string split) => new()
    {
        Command = p.Command, Seed = p.Seed, StartedUtc = p.StartedUtc, DurationSeconds = Math.Round(duration.TotalSeconds, 1),
        Epochs = epochs, BestEpoch = bestEpoch, Hyperparameters = p.Hyperparameters,
        Data = new DataSpec
        {
            Source = data.Source.Description, Parameters = data.Source.Parameters, Sha256 = data.ContentHash(),
            Split = split,
            TrainSamples = train, ValidationSamples = validation, TestSamples = test, TestPositives = testPositives,
        },
    };

    /// <summary>Runs up to 64 samples of real windows through ONNX Runtime and TorchSharp and compares.</summary>
    private static void CheckParity(global::Onnx.ModelProto onnx, string input, long[] sampleShape, string output, WindowDataset data,
        Func<Tensor, Tensor> torchForward, int rowsPerSample)
    {
        var series = data.Series.First(s => s.Count >= rowsPerSample);
        int samples = Math.Min(64, series.Count - rowsPerSample + 1);
        int f = data.FeatureCount;
        var buffer = new float[samples * rowsPerSample * f];
        for (int s = 0; s < samples; s++)
            for (int j = 0; j < rowsPerSample; j++)
                series.Features[s + j].CopyTo(buffer, (s * rowsPerSample + j) * f);

        float[] expected;
        using (no_grad())
        {
            using var x = tensor(buffer).reshape([samples, .. sampleShape]);
            using var y = torchForward(x);
            expected = TorchWeights.Values(y);
        }
        using var session = new InferenceSession(onnx.ToByteArray());
        using var value = OrtValue.CreateTensorValueFromMemory(buffer, [samples, .. sampleShape]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [input], [value], [output]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        if (!(worst <= ParityTolerance))
            throw new InvalidOperationException($"exported ONNX graph differs from the TorchSharp model by {worst:E2} (> {ParityTolerance:E0}): not written");
    }
}
