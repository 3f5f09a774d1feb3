using NovaOps.Detection;
using NovaOps.Detection.Statistical;

namespace NovaOps.Streams.Anomaly;

/// <summary>Options of the anomaly app (section <c>Anomaly</c> of appsettings, env <c>NOVAOPS__ANOMALY__...</c>).</summary>
public sealed record AnomalyTopologyOptions
{
    /// <summary>Kafka Streams application id: the consumer group and the prefix of internal topics.</summary>
    public string ApplicationId { get; init; } = "novaops-anomaly";

    /// <summary>Windows scoring at or above this are published on the anomalies topic.</summary>
    public double EmitThreshold { get; init; } = 0.5;

    public FeatureOptions Features { get; init; } = new();

    public StatisticalDetectorOptions Statistical { get; init; } = new();

    /// <summary>Settings of the subspace detector in the Subspace mode.</summary>
    public NovaOps.Detection.Subspace.SubspaceDetectorOptions Subspace { get; init; } = new();

    /// <summary>
    /// Subspace (default: the detector that scores best on real server metrics and on the simulator's held-out seeds,
    /// docs/benchmarks.md; the same code as <c>detect</c> and <c>eval servers</c> run), Statistical, Onnx (the
    /// registry's anomaly model) or Combined (statistical and the model).
    /// </summary>
    public Scoring.DetectorMode Detector { get; init; } = Scoring.DetectorMode.Subspace;

    /// <summary>
    /// The detector that needs no model: the subspace detector in its mode, else the statistical one (which the
    /// Combined mode also runs next to the model). The ONNX model comes from the registry.
    /// </summary>
    public Func<FeatureSchema, IAnomalyDetector> ModelFreeDetector() => Detector == Scoring.DetectorMode.Subspace
        ? schema => new NovaOps.Detection.Subspace.SubspaceDetector(schema, Subspace)
        : schema => new StatisticalDetector(schema, Statistical);

    /// <summary>The anomaly model to load in the Onnx and Combined modes (folder, name, version, shadow).</summary>
    public NovaOps.Models.Registry.ModelRegistryOptions Model { get; init; } = new() { Name = "anomaly-autoencoder" };

    public Scoring.MicroBatchOptions MicroBatch { get; init; } = new();

    /// <summary>The incident predictor: off unless enabled; publishes to the predictions topic.</summary>
    public Scoring.PredictionOptions Prediction { get; init; } = new();

    /// <summary>Name of the per-VM state store (its changelog is <c>{ApplicationId}-{StoreName}-changelog</c>).</summary>
    public string StoreName { get; init; } = "vm-detector-state";

    /// <summary>How per-VM state reaches the store and its changelog (see <see cref="StateWriteMode"/>).</summary>
    public StateWriteMode StateWrites { get; init; } = StateWriteMode.WriteBehind;

    public string ChangelogTopic => $"{ApplicationId}-{StoreName}-changelog";
}

/// <summary>How the anomaly transformer's per-VM state is written to its Streamiz store.</summary>
public enum StateWriteMode
{
    /// <summary>
    /// Kept as live arrays and written (serialised, logged) once per key at each commit, before the
    /// offsets are committed. The default: the fastest of the three in bench pipeline (docs/benchmarks.md).
    /// </summary>
    WriteBehind,

    /// <summary>Streamiz's record cache: one serialisation and cache entry per record, changelog deduplicated per commit.</summary>
    StreamizCache,

    /// <summary>Every record serialised and logged: one changelog record per telemetry record. For debugging.</summary>
    WriteThrough,
}
