using NovaOps.Detection;
using NovaOps.Observability;

namespace NovaOps.Streams.Anomaly;

/// <summary>What every per-task transformer shares: the extractor, the detector, options and metrics (all thread-safe or immutable).</summary>
public sealed class VmScoring(WindowFeatureExtractor extractor, IAnomalyDetector detector, AnomalyTopologyOptions options, PipelineMetrics metrics,
    ProcessedPositions positions, TimeProvider clock, Scoring.ModelScoring? model = null, Scoring.PredictionScoring? prediction = null)
{
    /// <summary>The incident predictor, when enabled.</summary>
    public Scoring.PredictionScoring? Prediction { get; } = prediction;

    /// <summary>Where the per-VM window history starts in the state (after the extractor's and the detector's parts).</summary>
    public int HistoryOffset => Extractor.StateLength + Detector.StateLength;

    /// <summary>The ONNX model and its micro-batching, in the Onnx and Combined modes; null for the statistical detector alone.</summary>
    public Scoring.ModelScoring? Model { get; } = model;

    public WindowFeatureExtractor Extractor { get; } = extractor;
    // One detector serves every VM of the task through their state spans: one that keeps an entity's memory itself cannot.
    public IAnomalyDetector Detector { get; } = detector.SharedAcrossEntities ? detector
        : throw new ArgumentException($"{detector.Name} keeps one entity's memory itself and cannot score every VM", nameof(detector));
    public AnomalyTopologyOptions Options { get; } = options;
    public PipelineMetrics Metrics { get; } = metrics;
    public TimeProvider Clock { get; } = clock;

    /// <summary>Last processed offset per partition (read by the lag probe).</summary>
    public ProcessedPositions Positions { get; } = positions;

    /// <summary>Where the window waiting for the model is kept (ONNX modes): see <see cref="Scoring.PendingWindow"/>.</summary>
    public int PendingOffset => HistoryOffset
        + (Prediction is null ? 0 : FeatureHistory.Length(Prediction.SequenceWindows, Extractor.Schema.Length));

    public int StateLength => PendingOffset
        + (Model is null ? 0 : Scoring.PendingWindow.Length(Extractor.Schema.Length, Extractor.Schema.MetricCount));

    /// <summary>The micro-batches of the calling stream thread (ONNX modes or prediction on), shared by its tasks.</summary>
    internal Scoring.ThreadBatches Batches =>
        LazyInitializer.EnsureInitialized(ref _batches, () => new ThreadLocal<Scoring.ThreadBatches>(() => new Scoring.ThreadBatches(this))).Value!;

    private ThreadLocal<Scoring.ThreadBatches>? _batches;

    /// <summary>
    /// How the state is kept between records: the extractor's part, updated by every record, as doubles; the rest
    /// (the detector, the feature history and a waiting window) as floats but for the waiting window's instants.
    /// </summary>
    public State.PackedStateLayout Layout => LazyInitializer.EnsureInitialized(ref _layout, () => new State.PackedStateLayout(StateLength,
        Extractor.StateLength, Model is null ? [] : Scoring.PendingWindow.Instants.Select(i => PendingOffset + i)));

    private State.PackedStateLayout? _layout;

    /// <summary>A new VM's state, packed.</summary>
    public byte[] NewPackedState() => Layout.Pack(NewState());

    public double[] NewState()
    {
        var state = new double[StateLength];
        Extractor.InitState(state.AsSpan(0, Extractor.StateLength));
        Detector.InitState(state.AsSpan(Extractor.StateLength, Detector.StateLength));
        if (Prediction is not null) FeatureHistory.Init(state.AsSpan(HistoryOffset));
        return state;
    }
}
