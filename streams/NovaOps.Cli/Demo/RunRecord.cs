using Google.Protobuf;
using NovaOps.Contracts;

namespace NovaOps.Cli.Demo;

/// <summary>
/// A demo run on disk (<c>demo --run-dir DIR</c>), for <c>novaops report</c> and for anyone's own analysis: the summary,
/// the faults (ground truth, with their ends), the telemetry of the VMs they hit, and the anomalies, predictions and
/// actions, one protobuf-JSON record a line.
/// </summary>
public static class RunRecord
{
    public const string Summary = "summary.json", Faults = RecordingFiles.Faults, Telemetry = RecordingFiles.Telemetry,
        Anomalies = "anomalies.jsonl", Predictions = "predictions.jsonl", Actions = "actions.jsonl";

    /// <summary>The VMs whose telemetry a run records: up to <paramref name="perFault"/> of each fault's, the root cause first.</summary>
    public static IReadOnlySet<string> VmsToRecord(IEnumerable<FaultLabel> faults, int perFault = 4) =>
        faults.SelectMany(f => (f.Scope == FaultScope.Vm ? [f.RootCause] : Array.Empty<string>()).Concat(f.AffectedVms).Distinct().Take(perFault))
            .ToHashSet(StringComparer.Ordinal);

    internal static void Write(string directory, DemoSummary summary, IEnumerable<FaultLabel> faults, IEnumerable<TelemetrySample> telemetry,
        IEnumerable<AnomalyEvent> anomalies, IEnumerable<PredictionEvent> predictions, IEnumerable<ActionRecord> actions)
    {
        Directory.CreateDirectory(directory);
        JsonOutput.Write(new FileInfo(Path.Combine(directory, Summary)), summary);
        JsonLines.Write(Path.Combine(directory, Faults), faults);
        JsonLines.Write(Path.Combine(directory, Telemetry), telemetry.OrderBy(s => s.TimestampMs));
        JsonLines.Write(Path.Combine(directory, Anomalies), anomalies);
        JsonLines.Write(Path.Combine(directory, Predictions), predictions);
        JsonLines.Write(Path.Combine(directory, Actions), actions);
    }

    public static List<T> Read<T>(string directory, string name) where T : IMessage<T>, new()
    {
        string path = Path.Combine(directory, name);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: is {directory} a demo run (novaops demo --run-dir)?", path);
        return [.. JsonLines.Read<T>(path)];
    }
}
