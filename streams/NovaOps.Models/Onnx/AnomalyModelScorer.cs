using Microsoft.ML.OnnxRuntime;
using NovaOps.Detection;
using NovaOps.Models.Calibration;
using NovaOps.Models.Registry;

namespace NovaOps.Models.Onnx;

/// <summary>
/// Scores batches of feature windows with an anomaly model: ONNX Runtime gives each row's reconstruction
/// error and per-feature errors; the card's calibration turns the error into a score in [0, 1]; each
/// metric's share of the error is its contribution. Rows with a NaN or infinite feature are not sent
/// to the model: their score is NaN, for the caller to dead-letter.
/// </summary>
public sealed class AnomalyModelScorer(LoadedModel model)
{
    private readonly EmpiricalCdf _calibration = new(model.Card.Calibration?.Quantiles ?? throw new ModelLoadException($"{model.Id}: no calibration"));
    private readonly string[] _inputNames = [model.Card.Inputs[0].Name];
    private readonly RunOptions _runOptions = new();

    private readonly string[] _outputs = [model.Card.Outputs[0].Name, model.Card.Outputs[1].Name];
    private readonly int _features = model.Card.Features.Names.Count;
    private readonly int _metrics = model.Card.Features.Metrics.Count;

    public LoadedModel Model { get; } = model;

    /// <summary>
    /// Scores <paramref name="rows"/> ([n, features] row-major). Writes n scores and n × metrics
    /// contributions (each row's shares sum to 1, or are all 0 for a NaN row).
    /// </summary>
    public void Score(Memory<float> batch, Span<double> scores, Span<double> contributions)
    {
        var rows = batch.Span;
        int n = rows.Length / _features;
        if (rows.Length != n * _features) throw new ArgumentException($"{rows.Length} values are not rows of {_features} features");
        if (scores.Length < n || contributions.Length < n * _metrics) throw new ArgumentException("output spans too short");

        // Keep finite rows only; a single bad row must not poison its batch. Nearly always all are
        // finite: then the caller's rows go to ONNX Runtime as they are, without a copy.
        int firstBad = -1;
        for (int i = 0; i < rows.Length; i++)
            if (!float.IsFinite(rows[i])) { firstBad = i / _features; break; }
        int m;
        int[]? map = null;
        Memory<float> input;
        if (firstBad < 0)
        {
            m = n;
            input = batch; // the common case: no copy
        }
        else
        {
            var kept = new float[rows.Length];
            map = new int[n];
            m = 0;
            for (int i = 0; i < n; i++)
            {
                var row = rows.Slice(i * _features, _features);
                bool ok = true;
                foreach (var v in row) if (!float.IsFinite(v)) { ok = false; break; }
                if (!ok) { scores[i] = double.NaN; contributions.Slice(i * _metrics, _metrics).Clear(); continue; }
                row.CopyTo(kept.AsSpan(m * _features));
                map[m++] = i;
            }
            if (m == 0) return;
            input = kept;
        }

        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input[..(m * _features)], [m, _features]);
        using var results = Model.Session.Run(_runOptions, _inputNames, [value], _outputs);
        var errors = results[0].GetTensorDataAsSpan<float>();
        var perFeature = results[1].GetTensorDataAsSpan<float>();
        for (int k = 0; k < m; k++)
        {
            int i = map is null ? k : map[k];
            scores[i] = _calibration.Score(errors[k]);
            var shares = contributions.Slice(i * _metrics, _metrics);
            double total = 0;
            for (int metric = 0; metric < _metrics; metric++)
            {
                double sum = 0;
                for (int f = 0; f < FeatureSchema.PerMetric; f++) sum += perFeature[k * _features + FeatureSchema.Index(metric, f)];
                shares[metric] = sum;
                total += sum;
            }
            for (int metric = 0; metric < _metrics; metric++) shares[metric] = total > 0 ? shares[metric] / total : 0;
        }
    }
}
