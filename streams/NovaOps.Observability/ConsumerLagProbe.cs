using Confluent.Kafka;
using NovaOps.Kafka;

namespace NovaOps.Observability;

/// <summary>
/// Consumer lag of one app instance: per partition it has processed, the partition's high watermark
/// minus the next offset to process, published as a gauge. Computed from the instance's own
/// processed positions rather than from committed offsets, which trail by a commit interval (and
/// which the embedded broker does not return while the group is active).
/// </summary>
public sealed class ConsumerLagProbe(KafkaClientOptions kafka, ProcessedPositions positions, PipelineMetrics metrics) : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _client = new ConsumerBuilder<byte[], byte[]>(kafka.Apply(new ConsumerConfig
    {
        GroupId = "novaops-lag-probe", // required by the client; the probe never subscribes or commits
        EnableAutoCommit = false,
    })).Build();

    /// <summary>
    /// Total lag over the partitions this instance processes, also written to the gauge per partition; partitions it
    /// gave up since the last measure leave the gauge (another instance reports them now).
    /// </summary>
    public long Measure(TimeSpan timeout)
    {
        long total = 0;
        var current = positions.Snapshot();
        foreach (var (topic, partition) in metrics.LagPartitions())
            if (!current.ContainsKey((topic, partition))) metrics.RemoveLag(topic, partition);
        foreach (var ((topic, partition), last) in current)
        {
            var w = _client.QueryWatermarkOffsets(new TopicPartition(topic, partition), timeout);
            long lag = Math.Max(0, w.High.Value - (last + 1));
            metrics.SetLag(topic, partition, lag);
            total += lag;
        }
        return total;
    }

    public void Dispose() => _client.Dispose();
}
