using System.Text.Json;
using System.Text.Json.Serialization;

namespace NovaOps.Models.Cards;

/// <summary>
/// What a shipped model is and how it was made: <c>models/&lt;name&gt;/&lt;version&gt;/card.json</c> next to
/// <c>model.onnx</c>. The registry refuses a model whose card does not match the running feature schema.
/// </summary>
public sealed record ModelCard
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("version")] public required string Version { get; init; }
    /// <summary><see cref="ModelKinds.Anomaly"/> or <see cref="ModelKinds.Incident"/>.</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("onnx")] public required OnnxFile Onnx { get; init; }
    [JsonPropertyName("inputs")] public required IReadOnlyList<TensorSpec> Inputs { get; init; }
    [JsonPropertyName("outputs")] public required IReadOnlyList<TensorSpec> Outputs { get; init; }
    [JsonPropertyName("features")] public required FeatureSpec Features { get; init; }
    [JsonPropertyName("standardization")] public required StandardizationSpec Standardization { get; init; }
    /// <summary>Incident models: how many consecutive windows one prediction reads.</summary>
    [JsonPropertyName("sequence_windows")] public int? SequenceWindows { get; init; }
    /// <summary>Incident models: how far ahead the probability looks.</summary>
    [JsonPropertyName("horizon_s")] public double? HorizonSeconds { get; init; }
    /// <summary>Anomaly models: raw reconstruction error to a score in [0, 1].</summary>
    [JsonPropertyName("calibration")] public CalibrationSpec? Calibration { get; init; }
    /// <summary>Score (or probability) at or above which the model raises an event, chosen on validation data.</summary>
    [JsonPropertyName("threshold")] public required double Threshold { get; init; }
    [JsonPropertyName("training")] public required TrainingSpec Training { get; init; }
    /// <summary>Metrics on the held-out test split, by name.</summary>
    [JsonPropertyName("metrics")] public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}

public static class ModelKinds
{
    public const string Anomaly = "anomaly";
    public const string Incident = "incident";
}

public sealed record OnnxFile(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("opset")] int Opset,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>A tensor's name and shape; -1 is the dynamic batch.</summary>
public sealed record TensorSpec(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape)
{
    /// <summary>The shape of a batch of <paramref name="rows"/>: the dynamic dimension set to it.</summary>
    public long[] ForBatch(int rows) => [.. Shape.Select(d => d < 0 ? rows : d)];

    /// <summary>Values in a batch of <paramref name="rows"/>.</summary>
    public long Length(int rows) => ForBatch(rows).Aggregate(1L, (a, d) => a * d);
}

/// <summary>The feature vector the model reads: the metrics, the derived feature names in order, the window length.</summary>
public sealed record FeatureSpec(
    [property: JsonPropertyName("metrics")] IReadOnlyList<string> Metrics,
    [property: JsonPropertyName("names")] IReadOnlyList<string> Names,
    [property: JsonPropertyName("window_s")] double WindowSeconds);

/// <summary>The standardisation built into the graph (recorded here for people and checks): <c>clip((x - mean) / std, ±clip)</c>.</summary>
public sealed record StandardizationSpec(
    [property: JsonPropertyName("mean")] IReadOnlyList<float> Mean,
    [property: JsonPropertyName("std")] IReadOnlyList<float> Std,
    [property: JsonPropertyName("clip")] float? Clip);

/// <summary>Calibration of a raw model output to a score.</summary>
public sealed record CalibrationSpec(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("quantiles")] IReadOnlyList<double> Quantiles);

public sealed record TrainingSpec
{
    [JsonPropertyName("command")] public required string Command { get; init; }
    [JsonPropertyName("seed")] public required int Seed { get; init; }
    [JsonPropertyName("started_utc")] public required DateTimeOffset StartedUtc { get; init; }
    [JsonPropertyName("duration_s")] public required double DurationSeconds { get; init; }
    [JsonPropertyName("epochs")] public required int Epochs { get; init; }
    [JsonPropertyName("best_epoch")] public required int BestEpoch { get; init; }
    [JsonPropertyName("data")] public required DataSpec Data { get; init; }
    [JsonPropertyName("hyperparameters")] public required IReadOnlyDictionary<string, string> Hyperparameters { get; init; }
}

public sealed record DataSpec
{
    [JsonPropertyName("source")] public required string Source { get; init; }
    [JsonPropertyName("parameters")] public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    [JsonPropertyName("sha256")] public required string Sha256 { get; init; }
    [JsonPropertyName("split")] public required string Split { get; init; }
    [JsonPropertyName("train_samples")] public required int TrainSamples { get; init; }
    [JsonPropertyName("validation_samples")] public required int ValidationSamples { get; init; }
    [JsonPropertyName("test_samples")] public required int TestSamples { get; init; }
    [JsonPropertyName("test_positives")] public required int TestPositives { get; init; }
}
