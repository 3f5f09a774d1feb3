using NovaOps.Detection;
using NovaOps.Observability;

namespace NovaOps.Streams.Anomaly;

/// <summary>What every per-task transformer shares: the extractor, the detector, options and metrics (all thread-safe or immutable).</summary>
public sealed class VmScoring(WindowFeatureExtractor extractor, IAnomalyDetector detector, AnomalyTopologyOptions options, PipelineMetrics metrics,
    ProcessedPositions positions, TimeProvider clock, Scoring.ModelScoring? model = null)
{
    /// <summary>The ONNX model and its micro-batching, in the Onnx and Combined modes; null for the statistical detector alone.</summary>
    public Scoring.ModelScoring? Model { get; } = model;

    public WindowFeatureExtractor Extractor { get; } = extractor;
    public IAnomalyDetector Detector { get; } = detector;
    public AnomalyTopologyOptions Options { get; } = options;
    public PipelineMetrics Metrics { get; } = metrics;
    public TimeProvider Clock { get; } = clock;

    /// <summary>Last processed offset per partition (read by the lag probe).</summary>
    public ProcessedPositions Positions { get; } = positions;

    public int StateLength => Extractor.StateLength + Detector.StateLength;

    public double[] NewState()
    {
        var state = new double[StateLength];
        Extractor.InitState(state.AsSpan(0, Extractor.StateLength));
        Detector.InitState(state.AsSpan(Extractor.StateLength));
        return state;
    }
}
