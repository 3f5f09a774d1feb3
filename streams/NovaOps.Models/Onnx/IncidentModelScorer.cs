using Microsoft.ML.OnnxRuntime;
using NovaOps.Models.Registry;

namespace NovaOps.Models.Onnx;

/// <summary>
/// Scores batches of window sequences ([n, W, features] row-major) with an incident model: the
/// probability of an incident within the card's horizon. Sequences with a NaN or infinite feature get
/// NaN, for the caller to dead-letter.
/// </summary>
/// <param name="clock">Seconds on the clock the time inside ONNX Runtime is measured by (a topology passes
/// thread CPU time); wall time by default.</param>
public sealed class IncidentModelScorer(LoadedModel model, Func<double>? clock = null)
{
    private readonly Func<double> _clock = clock ?? WallClock.Seconds;
    private readonly string[] _inputNames = [model.Card.Inputs[0].Name];
    private readonly string[] _outputs = [model.Card.Outputs[0].Name];
    private readonly RunOptions _runOptions = new();

    public LoadedModel Model { get; } = model;
    public int SequenceWindows { get; } = model.Card.SequenceWindows ?? throw new ModelLoadException($"{model.Id}: an incident card needs sequence_windows");
    public int Features { get; } = model.Card.Features.Names.Count;
    public TimeSpan Horizon { get; } = TimeSpan.FromSeconds(model.Card.HorizonSeconds ?? throw new ModelLoadException($"{model.Id}: an incident card needs horizon_s"));

    /// <summary>Scores <paramref name="sequences"/>; returns the seconds spent inside ONNX Runtime, on the scorer's clock.</summary>
    public double Score(Memory<float> sequences, Span<double> probabilities)
    {
        int stride = SequenceWindows * Features;
        int n = sequences.Length / stride;
        if (sequences.Length != n * stride) throw new ArgumentException($"{sequences.Length} values are not sequences of {SequenceWindows}×{Features}");
        if (probabilities.Length < n) throw new ArgumentException("output span too short");
        if (n == 0) return 0;
        var span = sequences.Span;
        // Copied into a padded batch (see BatchShapes); a sequence with a non-finite value is zeroed for the
        // run and its result discarded: one bad VM must not fail the batch.
        Span<bool> bad = n <= 1024 ? stackalloc bool[n] : new bool[n];
        using var padded = BatchShapes.Rent(n, stride);
        for (int i = 0; i < n; i++)
        {
            var source = span.Slice(i * stride, stride);
            bool finite = true;
            foreach (float v in source) finite &= float.IsFinite(v);
            bad[i] = !finite;
            if (finite) source.CopyTo(padded.Row(i));
            else padded.Row(i).Clear();
        }
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, padded.Memory, [padded.Rows, SequenceWindows, Features]);
        double runStart = _clock();
        using var results = Model.Session.Run(_runOptions, _inputNames, [value], _outputs);
        double runSeconds = _clock() - runStart;
        var p = results[0].GetTensorDataAsSpan<float>();
        for (int i = 0; i < n; i++) probabilities[i] = bad[i] ? double.NaN : p[i];
        return runSeconds;
    }

    /// <summary>
    /// Each metric's share of a probability, by occlusion: the metric's features are set to their
    /// training mean across the whole sequence and the drop in probability is its weight. Scores
    /// all given sequences' occlusions in one run. <paramref name="shares"/>: [n, metrics].
    /// </summary>
    public void Contributions(ReadOnlySpan<float> sequences, ReadOnlySpan<double> probabilities, Span<double> shares)
    {
        int stride = SequenceWindows * Features, metrics = Model.Card.Features.Metrics.Count;
        int n = sequences.Length / stride;
        var occluded = new float[n * metrics * stride];
        var mean = Model.Card.Standardization.Mean;
        for (int i = 0; i < n; i++)
            for (int m = 0; m < metrics; m++)
            {
                var target = occluded.AsSpan((i * metrics + m) * stride, stride);
                sequences.Slice(i * stride, stride).CopyTo(target);
                for (int w = 0; w < SequenceWindows; w++)
                    for (int f = 0; f < Detection.FeatureSchema.PerMetric; f++)
                    {
                        int feature = Detection.FeatureSchema.Index(m, f);
                        target[w * Features + feature] = mean[feature];
                    }
            }
        var p = new double[n * metrics];
        Score(occluded, p);
        for (int i = 0; i < n; i++)
        {
            var row = shares.Slice(i * metrics, metrics);
            double total = 0;
            for (int m = 0; m < metrics; m++) { row[m] = Math.Max(0, probabilities[i] - p[i * metrics + m]); total += row[m]; }
            for (int m = 0; m < metrics; m++) row[m] = total > 0 ? row[m] / total : 0;
        }
    }
}
