using Microsoft.ML.OnnxRuntime;
using NovaOps.Models.Registry;

namespace NovaOps.Models.Onnx;

/// <summary>
/// Scores batches of window sequences ([n, W, features] row-major) with an incident model: the
/// probability of an incident within the card's horizon. Sequences with a NaN or infinite feature get
/// NaN, for the caller to dead-letter.
/// </summary>
public sealed class IncidentModelScorer(LoadedModel model)
{
    private readonly string[] _inputNames = [model.Card.Inputs[0].Name];
    private readonly string[] _outputs = [model.Card.Outputs[0].Name];
    private readonly RunOptions _runOptions = new();

    public LoadedModel Model { get; } = model;
    public int SequenceWindows { get; } = model.Card.SequenceWindows ?? throw new ModelLoadException($"{model.Id}: an incident card needs sequence_windows");
    public int Features { get; } = model.Card.Features.Names.Count;
    public TimeSpan Horizon { get; } = TimeSpan.FromSeconds(model.Card.HorizonSeconds ?? throw new ModelLoadException($"{model.Id}: an incident card needs horizon_s"));

    public void Score(Memory<float> sequences, Span<double> probabilities)
    {
        int stride = SequenceWindows * Features;
        int n = sequences.Length / stride;
        if (sequences.Length != n * stride) throw new ArgumentException($"{sequences.Length} values are not sequences of {SequenceWindows}×{Features}");
        if (probabilities.Length < n) throw new ArgumentException("output span too short");
        var span = sequences.Span;
        var bad = new bool[n];
        bool anyBad = false;
        for (int i = 0; i < span.Length; i++)
            if (!float.IsFinite(span[i])) { bad[i / stride] = anyBad = true; }
        Memory<float> input = sequences;
        if (anyBad)
        {
            // Zero the bad sequences for the run (their results are discarded): one bad VM must not fail the batch.
            var copy = sequences.ToArray();
            for (int i = 0; i < n; i++) if (bad[i]) Array.Clear(copy, i * stride, stride);
            input = copy;
        }
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, [n, SequenceWindows, Features]);
        using var results = Model.Session.Run(_runOptions, _inputNames, [value], _outputs);
        var p = results[0].GetTensorDataAsSpan<float>();
        for (int i = 0; i < n; i++) probabilities[i] = bad[i] ? double.NaN : p[i];
    }
}
