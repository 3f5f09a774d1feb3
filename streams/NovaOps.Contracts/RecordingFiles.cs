using System.Text.Json;
using System.Text.Json.Serialization;

namespace NovaOps.Contracts;

/// <summary>
/// The files of a recording of a region's telemetry (<c>novaops record</c>, <c>demo --run-dir</c>), in
/// <see cref="JsonLines"/> form, plain or <c>.gz</c>: what <c>novaops train anomaly|incident --data</c> reads.
/// </summary>
public static class RecordingFiles
{
    /// <summary><see cref="TelemetrySample"/>s, each VM's in time order.</summary>
    public const string Telemetry = "telemetry.jsonl";

    /// <summary><see cref="FaultLabel"/>s (ground truth, where there is one): a fault an action ended has a second record with its <c>resolved_ms</c>.</summary>
    public const string Faults = "faults.jsonl";

    /// <summary>Where and when <c>novaops record</c> took the recording (<see cref="RecordingManifest"/>).</summary>
    public const string Manifest = "recording.json";
}

/// <summary>Where a recording came from (cluster, topics, the offsets read) and when: its provenance on the cards of models trained on it.</summary>
public sealed record RecordingManifest(
    [property: JsonPropertyName("bootstrap_servers")] string BootstrapServers,
    [property: JsonPropertyName("started_utc")] DateTimeOffset StartedUtc,
    [property: JsonPropertyName("ended_utc")] DateTimeOffset EndedUtc,
    [property: JsonPropertyName("stopped_because")] string StoppedBecause,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("fault_labels")] long FaultLabels,
    [property: JsonPropertyName("left_out")] IReadOnlyDictionary<string, long> LeftOut,
    [property: JsonPropertyName("partitions")] IReadOnlyList<RecordedPartition> Partitions)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public void Write(string directory) => File.WriteAllText(Path.Combine(directory, RecordingFiles.Manifest), JsonSerializer.Serialize(this, Options) + "\n");

    /// <summary>The manifest of a recording folder; null for one without (a demo run, files from elsewhere).</summary>
    public static RecordingManifest? Read(string directory)
    {
        string path = Path.Combine(directory, RecordingFiles.Manifest);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<RecordingManifest>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    /// <summary>The topics read, each with the offsets of its partitions: "eu-west.telemetry[0:120-4519,1:…]".</summary>
    public string Describe() => string.Join(" ", Partitions.GroupBy(p => p.Topic).Select(g =>
        $"{g.Key}[{string.Join(",", g.OrderBy(p => p.Partition).Select(p => $"{p.Partition}:{p.FirstOffset}-{p.LastOffset}"))}]"));
}

/// <summary>The records a recording read from one partition (offsets inclusive).</summary>
public sealed record RecordedPartition(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("first_offset")] long FirstOffset,
    [property: JsonPropertyName("last_offset")] long LastOffset);
