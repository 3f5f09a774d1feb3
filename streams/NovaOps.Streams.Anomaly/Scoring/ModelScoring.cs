using NovaOps.Models.Onnx;
using NovaOps.Models.Registry;
using NovaOps.Observability;

namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>
/// What the transformers of an app share to score with the ONNX anomaly model: the registry (the active
/// and shadow models, swapped while running), the micro-batch settings and the shadow comparison.
/// Thread-safe: ONNX Runtime sessions may be run from several stream threads at once.
/// </summary>
public sealed class ModelScoring(ModelRegistry registry, DetectorMode mode, MicroBatchOptions batch, PipelineMetrics metrics)
{
    public ModelRegistry Registry { get; } = registry;
    public DetectorMode Mode { get; } = mode;
    public MicroBatchOptions Batch { get; } = batch;
    public PipelineMetrics Metrics { get; } = metrics;

    private ScorerPair? _scorers;

    /// <summary>Scorers of the current active (and shadow) models; rebuilt when the registry swaps a model in.</summary>
    public (AnomalyModelScorer Active, AnomalyModelScorer? Shadow) Scorers()
    {
        var active = Registry.Active;
        var shadow = Registry.Shadow;
        var pair = Volatile.Read(ref _scorers);
        if (pair is null || !ReferenceEquals(pair.Active.Model, active) || !ReferenceEquals(pair.Shadow?.Model, shadow))
        {
            pair = new ScorerPair(new AnomalyModelScorer(active, ThreadCpuClock.Now), shadow is null ? null : new AnomalyModelScorer(shadow, ThreadCpuClock.Now));
            Volatile.Write(ref _scorers, pair);
        }
        return (pair.Active, pair.Shadow);
    }

    private sealed record ScorerPair(AnomalyModelScorer Active, AnomalyModelScorer? Shadow);
}
