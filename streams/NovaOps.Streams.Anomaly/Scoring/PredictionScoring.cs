using NovaOps.Models.Onnx;
using NovaOps.Models.Registry;
using NovaOps.Observability;

namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>The incident predictor in the topology (section <c>Anomaly:Prediction</c>).</summary>
public sealed record PredictionOptions
{
    /// <summary>Off: the app detects anomalies only.</summary>
    public bool Enabled { get; init; }

    public ModelRegistryOptions Model { get; init; } = new() { Name = "incident-gru" };

    /// <summary>
    /// Predictions at or above this probability are published; empty: the model's threshold (alarms only).
    /// 0 publishes one prediction per VM and window.
    /// </summary>
    public double? PublishAbove { get; init; }
}

/// <summary>
/// What the transformers share to predict incidents: the registry of the incident model and the length
/// of the window history each VM keeps in its state (fixed when the app starts; a new model version
/// that reads another length is refused and the running one stays).
/// </summary>
public sealed class PredictionScoring
{
    public PredictionScoring(ModelRegistry registry, PredictionOptions options, MicroBatchOptions batch, PipelineMetrics metrics)
    {
        Registry = registry;
        Options = options;
        Batch = batch;
        Metrics = metrics;
        SequenceWindows = registry.Active.Card.SequenceWindows ?? throw new ModelLoadException($"{registry.Active.Id}: no sequence_windows on the card");
    }

    public ModelRegistry Registry { get; }
    public PredictionOptions Options { get; }
    public MicroBatchOptions Batch { get; }
    public PipelineMetrics Metrics { get; }
    public int SequenceWindows { get; }

    private IncidentModelScorer? _scorer;

    public IncidentModelScorer Scorer()
    {
        var active = Registry.Active;
        var scorer = Volatile.Read(ref _scorer);
        if (scorer is null || !ReferenceEquals(scorer.Model, active)) Volatile.Write(ref _scorer, scorer = new IncidentModelScorer(active, ThreadCpuClock.Now));
        return scorer;
    }

    /// <summary>The check a new model version must pass: the history length the per-VM state was sized for.</summary>
    public static Func<LoadedModel, string?> SameSequenceLength(int windows) =>
        m => m.Card.SequenceWindows == windows ? null : $"reads {m.Card.SequenceWindows} windows; the running app keeps {windows} per VM (restart to change)";
}
