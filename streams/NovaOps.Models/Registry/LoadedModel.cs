using Microsoft.ML.OnnxRuntime;
using NovaOps.Models.Cards;

namespace NovaOps.Models.Registry;

/// <summary>A validated model: its card and an ONNX Runtime session ready to run.</summary>
public sealed class LoadedModel : IDisposable
{
    internal LoadedModel(string directory, ModelCard card, InferenceSession session)
    {
        Directory = directory;
        Card = card;
        Session = session;
    }

    public string Directory { get; }
    public ModelCard Card { get; }
    public InferenceSession Session { get; }

    /// <summary>"name/version", as written on events.</summary>
    public string Id => $"{Card.Name}/{Card.Version}";

    /// <summary>The batch sizes <see cref="WarmUp"/> has run.</summary>
    public IReadOnlyList<int> WarmShapes => _warmShapes;

    private readonly List<int> _warmShapes = [];

    /// <summary>
    /// Runs the model once on zeros for every padded batch size up to <paramref name="maxRows"/> rows
    /// (<see cref="Onnx.BatchShapes"/>). ONNX Runtime plans memory on the first run of each input shape, which
    /// cost ~0.4 ms a shape here (more than a whole warm run of 512 rows); done while loading, neither the first
    /// windows of an app nor those after a model swap wait for it. A model that loads but cannot run fails
    /// here, before it is used.
    /// </summary>
    public void WarmUp(int maxRows)
    {
        if (maxRows < 1) return;
        _warmShapes.Clear();
        string[] outputs = [.. Card.Outputs.Select(o => o.Name)];
        string[] inputs = [.. Card.Inputs.Select(i => i.Name)];
        using var runOptions = new RunOptions();
        foreach (int rows in Onnx.BatchShapes.Sizes(maxRows))
        {
            var values = new OrtValue[Card.Inputs.Count];
            try
            {
                for (int i = 0; i < values.Length; i++)
                    values[i] = OrtValue.CreateTensorValueFromMemory(new float[Card.Inputs[i].Length(rows)], Card.Inputs[i].ForBatch(rows));
                using var results = Session.Run(runOptions, inputs, values, outputs);
                _warmShapes.Add(rows);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelLoadException($"{Id} ({Directory}): a run on a batch of {rows} failed: {e.Message}");
            }
            finally
            {
                foreach (var v in values) v?.Dispose();
            }
        }
    }

    public void Dispose() => Session.Dispose();
}
