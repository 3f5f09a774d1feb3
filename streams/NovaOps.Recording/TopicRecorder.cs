using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Kafka;

namespace NovaOps.Recording;

/// <summary>
/// Records a region's <c>telemetry</c> and <c>fault-labels</c> topics into a folder: <see cref="RecordingFiles.Telemetry"/>
/// (gzip-compressed: a fleet's telemetry is large and repetitive), <see cref="RecordingFiles.Faults"/> and, once done,
/// <see cref="RecordingFiles.Manifest"/> (cluster, offsets read, time). Reads by
/// partition assignment, not in a consumer group: a recording commits no offset and takes no partition from the
/// region's apps. A VM's samples share a partition (they are keyed by VM), so each VM's samples are written in time order.
/// </summary>
public sealed class TopicRecorder(KafkaClientOptions kafka, TopicNames topics, RecorderOptions options)
{
    private readonly TelemetryCodec _codec = new();

    public RecordingProgress Progress { get; } = new();

    public RecordingSummary Record(string directory, CancellationToken ct = default)
    {
        options.Validate();
        Directory.CreateDirectory(directory);
        string telemetryPath = Path.Combine(directory, RecordingFiles.Telemetry + ".gz"), faultsPath = Path.Combine(directory, RecordingFiles.Faults);
        // A second recording into the same folder would be a mix nobody asked for.
        if (JsonLines.Find(directory, RecordingFiles.Telemetry) is { } existing)
            throw new IOException($"{existing} exists: record into another folder");

        using var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"novaops-record-{Guid.NewGuid():N}", // required by the client; never joined, nothing committed
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        })).Build();
        var partitions = Partitions(consumer, [topics.Telemetry, topics.FaultLabels]);
        var offset = options.FromBeginning ? Offset.Beginning : Offset.End;
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, offset)));

        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var atEnd = new HashSet<TopicPartition>();
        var read = new Dictionary<TopicPartition, (long First, long Last)>();
        var lastRecord = TimeSpan.Zero;
        StopReason reason;
        using (var telemetry = JsonLines.CreateWriter(telemetryPath))
        using (var faults = JsonLines.CreateWriter(faultsPath))
        {
            while (true)
            {
                if (ct.IsCancellationRequested) { reason = StopReason.Cancelled; break; }
                if (options.Duration is { } d && clock.Elapsed >= d) { reason = StopReason.Duration; break; }
                if (options.MaxSamples is { } max && Progress.Samples >= max) { reason = StopReason.MaxSamples; break; }
                if (atEnd.Count == partitions.Count && clock.Elapsed - lastRecord >= options.Idle) { reason = StopReason.Idle; break; }

                var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (r is null) continue;
                if (r.IsPartitionEOF) { atEnd.Add(r.TopicPartition); continue; }
                atEnd.Remove(r.TopicPartition);
                lastRecord = clock.Elapsed;
                read[r.TopicPartition] = read.TryGetValue(r.TopicPartition, out var range) ? range with { Last = r.Offset.Value } : (r.Offset.Value, r.Offset.Value);
                if (r.Topic == topics.Telemetry) WriteSample(telemetry, r);
                else WriteFault(faults, r);
            }
        }
        new RecordingManifest(kafka.BootstrapServers, started, DateTimeOffset.UtcNow, reason.ToString(), Progress.Samples, Progress.Faults, Progress.Rejected(),
            [.. read.OrderBy(p => p.Key.Topic, StringComparer.Ordinal).ThenBy(p => p.Key.Partition.Value)
                .Select(p => new RecordedPartition(p.Key.Topic, p.Key.Partition.Value, p.Value.First, p.Value.Last))]).Write(directory);
        return new RecordingSummary(telemetryPath, faultsPath, Progress.Samples, Progress.Faults, Progress.Rejected(), clock.Elapsed, reason);
    }

    private void WriteSample(StreamWriter writer, ConsumeResult<string, byte[]> r)
    {
        // What the stream apps would dead-letter stays out, counted by reason (the dead-letter topic has the records).
        var decoded = _codec.Decode(r.Message.Value ?? [], r.Message.Key);
        if (!decoded.IsValid)
        {
            Progress.Reject(decoded.ReasonCode!);
            return;
        }
        writer.WriteLine(JsonLines.Format(decoded.Sample!));
        Progress.AddSample();
    }

    private void WriteFault(StreamWriter writer, ConsumeResult<string, byte[]> r)
    {
        FaultLabel label;
        try { label = FaultLabel.Parser.ParseFrom(r.Message.Value ?? []); }
        catch (InvalidProtocolBufferException)
        {
            Progress.Reject("fault_label_" + RejectReasons.Malformed);
            return;
        }
        writer.WriteLine(JsonLines.Format(label));
        Progress.AddFault();
    }

    private List<TopicPartition> Partitions(IConsumer<string, byte[]> consumer, IEnumerable<string> names)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var list = new List<TopicPartition>();
        foreach (var name in names)
        {
            Metadata metadata;
            try { metadata = admin.GetMetadata(name, options.MetadataTimeout); }
            catch (KafkaException e) { throw new IOException($"cannot read the metadata of {name} from {kafka.BootstrapServers}: {e.Error.Reason}", e); }
            var topic = metadata.Topics.SingleOrDefault(t => t.Topic == name);
            if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
                throw new IOException($"{kafka.BootstrapServers} has no topic {name}{(topic?.Error.IsError == true ? $" ({topic.Error.Reason})" : "")}");
            list.AddRange(topic.Partitions.Select(p => new TopicPartition(name, p.PartitionId)));
        }
        return list;
    }
}

/// <summary>Why a recording ended.</summary>
public enum StopReason { Idle, Duration, MaxSamples, Cancelled }

/// <summary>What a recording wrote.</summary>
public sealed record RecordingSummary(string TelemetryFile, string FaultsFile, long Samples, long Faults,
    IReadOnlyDictionary<string, long> Rejected, TimeSpan Elapsed, StopReason StoppedBecause);

/// <summary>Counts of a recording in progress, read from other threads.</summary>
public sealed class RecordingProgress
{
    private long _samples, _faults;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _rejected = new();

    public long Samples => Interlocked.Read(ref _samples);
    public long Faults => Interlocked.Read(ref _faults);
    public long RejectedTotal => _rejected.Values.Sum();

    internal void AddSample() => Interlocked.Increment(ref _samples);
    internal void AddFault() => Interlocked.Increment(ref _faults);
    internal void Reject(string reason) => _rejected.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public IReadOnlyDictionary<string, long> Rejected() => new SortedDictionary<string, long>(_rejected, StringComparer.Ordinal);
}
