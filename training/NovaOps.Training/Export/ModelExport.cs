using NovaOps.Onnx.Graph;
using NovaOps.Onnx.Layers;
using NovaOps.Training.Models;
using Onnx;
using TorchSharp.Modules;

namespace NovaOps.Training.Export;

/// <summary>
/// Our models as ONNX graphs (opset 17, dynamic batch), standardisation included, so a stream app
/// feeds raw features and reads scores. Input and output names are the contract the model registry
/// checks (see <see cref="Names"/>).
/// </summary>
public static class ModelExport
{
    public static class Names
    {
        public const string Features = "features";
        public const string ReconstructionError = "reconstruction_error";
        public const string FeatureErrors = "feature_errors";
        public const string Windows = "windows";
        public const string Probability = "probability";
    }

    /// <summary>
    /// features [batch, F] → reconstruction_error [batch] (mean squared error in standardised units)
    /// and feature_errors [batch, F] (each feature's squared error: what contributed).
    /// </summary>
    public static ModelProto Autoencoder(Autoencoder model, Standardization input, string version, IReadOnlyDictionary<string, string>? metadata = null)
    {
        int f = model.Features;
        input.Validate(f);
        var g = new OnnxGraph("anomaly_autoencoder");
        var x = g.Standardize(g.Input(Names.Features, -1, f), input);
        var h = x;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            h = g.Linear(h, TorchWeights.Of(model.Layers[i]), $"linear{i}");
            if (i < model.Layers.Count - 1) h = g.Relu(h);
        }
        var (perFeature, perRow) = g.SquaredError(x, h);
        g.Output(perRow, Names.ReconstructionError, -1);
        g.Output(perFeature, Names.FeatureErrors, -1, f);
        return g.ToModel("novaops-training", version, metadata);
    }

    /// <summary>windows [batch, W, F] → probability [batch] of an incident within the horizon.</summary>
    public static ModelProto IncidentPredictor(IncidentRnn model, Standardization input, int window, string version, IReadOnlyDictionary<string, string>? metadata = null)
    {
        int f = model.Features;
        input.Validate(f);
        var g = new OnnxGraph("incident_predictor");
        var x = g.Standardize(g.Input(Names.Windows, -1, window, f), input);
        var seq = g.SequenceFirst(x);
        string last = seq;
        for (int layer = 0; layer < model.LayerCount; layer++)
        {
            (seq, last) = model.Recurrent switch
            {
                GRU gru => g.Gru(seq, TorchWeights.Of(gru, layer), $"gru{layer}"),
                LSTM lstm => g.Lstm(seq, TorchWeights.Of(lstm, layer), $"lstm{layer}"),
                _ => throw new NotSupportedException(model.Recurrent.GetType().Name),
            };
        }
        var logit = g.Linear(last, TorchWeights.Of(model.Head), "head");
        var probability = g.Sigmoid(g.Node("Squeeze", [logit, g.Int64Constant("axis", -1)]));
        g.Output(probability, Names.Probability, -1);
        return g.ToModel("novaops-training", version, metadata);
    }
}
