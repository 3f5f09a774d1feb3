using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using NovaOps.Detection;
using NovaOps.Models.Cards;

namespace NovaOps.Models.Registry;

/// <summary>What the running app computes, which a model's card must match.</summary>
/// <param name="Schema">The feature vector the topology builds.</param>
/// <param name="Window">The feature window length (zero: one row of a series is one window).</param>
/// <param name="Names">The model-facing feature names when the features are transformed (e.g. scale-free); default: the schema's.</param>
public sealed record RunningFeatures(FeatureSchema Schema, TimeSpan Window, IReadOnlyList<string>? Names = null)
{
    public IReadOnlyList<string> FeatureNames => Names ?? [.. Schema.FeatureNames];
}

/// <summary>
/// Loads <c>&lt;dir&gt;/card.json</c> and <c>model.onnx</c> and refuses, with the reason, anything that would
/// score silently wrong: a file missing or not matching its hash, a card of another kind, features or
/// window other than the running ones, tensors the graph does not have.
/// </summary>
public static class ModelLoader
{
    public const string CardFile = "card.json";

    public static LoadedModel Load(string directory, string expectedKind, RunningFeatures running, SessionOptions? sessionOptions = null)
    {
        string cardPath = Path.Combine(directory, CardFile);
        if (!File.Exists(cardPath)) throw new ModelLoadException($"{directory}: no {CardFile}");
        ModelCard card;
        try
        {
            card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(cardPath))
                ?? throw new ModelLoadException($"{cardPath}: empty card");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{cardPath}: not a valid model card ({e.Message})", e);
        }

        string where = $"model {card.Name}/{card.Version} ({directory})";
        string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        if (card.Version != folder) throw new ModelLoadException($"{where}: the card says version {card.Version} but lives in folder {folder}");
        if (card.Kind != expectedKind) throw new ModelLoadException($"{where}: a {card.Kind} model where an {expectedKind} model is configured");
        CheckFeatures(card, running, where);
        if (card.Kind == ModelKinds.Anomaly && card.Calibration is null) throw new ModelLoadException($"{where}: an anomaly model needs a calibration");

        string onnxPath = Path.Combine(directory, card.Onnx.File);
        if (!File.Exists(onnxPath)) throw new ModelLoadException($"{where}: {card.Onnx.File} is missing");
        var bytes = File.ReadAllBytes(onnxPath);
        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(hash, card.Onnx.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelLoadException($"{where}: {card.Onnx.File} does not match the card's SHA-256 (corrupt or replaced)");

        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, sessionOptions ?? DefaultSessionOptions());
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"{where}: ONNX Runtime cannot load {card.Onnx.File}: {e.Message}", e);
        }
        try
        {
            CheckTensors("input", card.Inputs, session.InputMetadata, where);
            CheckTensors("output", card.Outputs, session.OutputMetadata, where);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return new LoadedModel(directory, card, session);
    }

    /// <summary>
    /// One intra-op thread: for these small models it was as fast as two (bench inference), and the
    /// stream threads already use the cores.
    /// </summary>
    public static SessionOptions DefaultSessionOptions() => new()
    {
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    private static void CheckFeatures(ModelCard card, RunningFeatures running, string where)
    {
        var expected = running.FeatureNames.ToList();
        if (!card.Features.Names.SequenceEqual(expected))
        {
            var missing = expected.Except(card.Features.Names).Take(3).ToList();
            var extra = card.Features.Names.Except(expected).Take(3).ToList();
            string detail = missing.Count + extra.Count > 0
                ? $"missing {(missing.Count == 0 ? "none" : string.Join(", ", missing))}, unknown {(extra.Count == 0 ? "none" : string.Join(", ", extra))}"
                : "same names in another order";
            throw new ModelLoadException($"{where}: trained on other features than the app computes ({card.Features.Names.Count} vs {expected.Count}; {detail})");
        }
        if (Math.Abs(card.Features.WindowSeconds - running.Window.TotalSeconds) > 1e-9)
            throw new ModelLoadException($"{where}: trained on {card.Features.WindowSeconds} s windows, the app cuts {running.Window.TotalSeconds} s windows");
        int n = expected.Count;
        if (card.Standardization.Mean.Count != n || card.Standardization.Std.Count != n)
            throw new ModelLoadException($"{where}: standardisation has {card.Standardization.Mean.Count} features, expected {n}");
    }

    private static void CheckTensors(string what, IReadOnlyList<TensorSpec> specs, IReadOnlyDictionary<string, NodeMetadata> actual, string where)
    {
        foreach (var spec in specs)
        {
            if (!actual.TryGetValue(spec.Name, out var meta))
                throw new ModelLoadException($"{where}: the graph has no {what} '{spec.Name}' (it has {string.Join(", ", actual.Keys)})");
            var dims = meta.Dimensions;
            if (dims.Length != spec.Shape.Count || dims.Zip(spec.Shape).Any(p => p.Second >= 0 && p.First != p.Second))
                throw new ModelLoadException($"{where}: {what} '{spec.Name}' is [{string.Join(",", dims)}] in the graph, [{string.Join(",", spec.Shape)}] on the card");
        }
    }
}
