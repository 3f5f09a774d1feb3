using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NovaOps.Onnx.Layers;
using NovaOps.Training.Export;
using NovaOps.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NovaOps.Training.Tests;

/// <summary>Every exported architecture computes in ONNX Runtime what it computes in TorchSharp (max |Δ| ≤ 1e-4) on held-out inputs.</summary>
public class OnnxParityTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Autoencoder_matches_TorchSharp(int seed)
    {
        const int features = 12, batch = 7;
        random.manual_seed(seed);
        using var model = new Autoencoder(features, [8, 4]);
        model.eval();
        var standardization = RandomStandardization(features, seed, clip: seed == 2 ? 1.5f : null); // 1.5: many inputs clip
        var x = RandomInputs(seed + 100, batch, features);

        float[] expectedError, expectedPerFeature;
        using (no_grad())
        {
            using var input = tensor(x).reshape(batch, features);
            using var standardized = Standardize(input, standardization);
            using var reconstruction = model.call(standardized);
            using var squared = (standardized - reconstruction).square();
            expectedPerFeature = TorchWeights.Values(squared);
            expectedError = TorchWeights.Values(squared.mean([-1]));
        }

        var onnx = ModelExport.Autoencoder(model, standardization, "test");
        using var session = new InferenceSession(onnx.ToByteArray());
        var outputs = Run(session, ModelExport.Names.Features, x, [batch, features]);
        AssertClose(expectedError, outputs[ModelExport.Names.ReconstructionError]);
        AssertClose(expectedPerFeature, outputs[ModelExport.Names.FeatureErrors]);
    }

    [Theory]
    [InlineData(RecurrentCell.Gru, 1)]
    [InlineData(RecurrentCell.Gru, 2)]
    [InlineData(RecurrentCell.Lstm, 1)]
    [InlineData(RecurrentCell.Lstm, 2)]
    public void Incident_predictor_matches_TorchSharp(RecurrentCell cell, int layers)
    {
        const int features = 6, hidden = 8, window = 5, batch = 3;
        random.manual_seed(7 + layers);
        using var model = new IncidentRnn(features, hidden, layers, cell);
        model.eval();
        var standardization = RandomStandardization(features, 11, clip: 1.5f);
        var x = RandomInputs(12, batch, window, features);

        float[] expected;
        using (no_grad())
        {
            using var input = tensor(x).reshape(batch, window, features);
            using var standardized = Standardize(input, standardization);
            using var logits = model.call(standardized);
            using var probability = logits.sigmoid();
            expected = TorchWeights.Values(probability);
        }

        var onnx = ModelExport.IncidentPredictor(model, standardization, window, "test");
        using var session = new InferenceSession(onnx.ToByteArray());
        var outputs = Run(session, ModelExport.Names.Windows, x, [batch, window, features]);
        Assert.Equal(batch, outputs[ModelExport.Names.Probability].Length);
        AssertClose(expected, outputs[ModelExport.Names.Probability]);

        // The batch dimension is dynamic: one row alone scores as it did inside the batch.
        var single = Run(session, ModelExport.Names.Windows, x[..(window * features)], [1, window, features]);
        AssertClose([expected[0]], single[ModelExport.Names.Probability]);
    }

    [Fact]
    public void Gate_reordering_moves_whole_blocks()
    {
        // PyTorch GRU [r, z, n] → ONNX [z, r, h]; LSTM [i, f, g, o] → ONNX [i, o, f, c].
        Assert.Equal([2, 2, 1, 1, 3, 3], OnnxLayers.ReorderGates([1, 1, 2, 2, 3, 3], [1, 0, 2], 2));
        Assert.Equal([10, 40, 20, 30], OnnxLayers.ReorderGates([10, 20, 30, 40], [0, 3, 1, 2], 1));
    }

    private static Tensor Standardize(Tensor x, Standardization s) => TorchStandardization.Apply(x, s.Mean, s.Std, s.Clip);

    private static Standardization RandomStandardization(int features, int seed, float? clip = null)
    {
        var rng = new Random(seed);
        return new Standardization(
            [.. Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * 10 - 5))],
            [.. Enumerable.Range(0, features).Select(_ => (float)(0.5 + rng.NextDouble() * 3))], clip);
    }

    private static float[] RandomInputs(int seed, params int[] dims)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, dims.Aggregate(1, (a, d) => a * d)).Select(_ => (float)(rng.NextDouble() * 12 - 6))];
    }

    private static Dictionary<string, float[]> Run(InferenceSession session, string inputName, float[] input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        var outputNames = session.OutputNames.ToArray();
        using var results = session.Run(runOptions, [inputName], [value], outputNames);
        return outputNames.Zip(results).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= Tolerance, $"max |Δ| = {worst:E2} > {Tolerance:E0}");
    }
}
