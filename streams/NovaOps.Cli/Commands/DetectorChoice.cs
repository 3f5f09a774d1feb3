using NovaOps.Detection;
using NovaOps.Detection.Statistical;

namespace NovaOps.Cli.Commands;

/// <summary>The detectors a command can run. The ONNX models join this list when they land.</summary>
internal static class DetectorChoice
{
    public static Func<FeatureSchema, IAnomalyDetector> Statistical(StatisticalDetectorOptions options) =>
        schema => new StatisticalDetector(schema, options);
}
