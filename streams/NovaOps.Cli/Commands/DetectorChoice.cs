using NovaOps.Detection;
using NovaOps.Detection.Statistical;

namespace NovaOps.Cli.Commands;

/// <summary>The model-free detectors the anomaly topology runs (the ONNX model comes from the registry).</summary>
internal static class DetectorChoice
{
    public static Func<FeatureSchema, IAnomalyDetector> Statistical(StatisticalDetectorOptions options) =>
        schema => new StatisticalDetector(schema, options);

    /// <summary>
    /// The model-free detector of the anomaly topology: the subspace detector in its mode, else the statistical one
    /// (which the Combined mode also runs next to the model).
    /// </summary>
    public static Func<FeatureSchema, IAnomalyDetector> ModelFree(NovaOps.Streams.Anomaly.AnomalyTopologyOptions anomaly) =>
        anomaly.Detector == NovaOps.Streams.Anomaly.Scoring.DetectorMode.Subspace
            ? schema => new NovaOps.Detection.Subspace.SubspaceDetector(schema, anomaly.Subspace)
            : Statistical(anomaly.Statistical);
}
