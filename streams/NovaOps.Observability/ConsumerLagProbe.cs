using Confluent.Kafka;

namespace NovaOps.Observability;

/// <summary>
/// Measures a consumer group's lag (high watermark − committed offset) per partition, from the
/// outside with its own client, as Kafka's own tools do, and publishes it as a gauge.
/// </summary>
public sealed class ConsumerLagProbe(string bootstrapServers, string groupId, IReadOnlyList<string> topics, PipelineMetrics metrics) : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _client = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
    {
        BootstrapServers = bootstrapServers,
        GroupId = groupId,               // Committed() reads this group's offsets; the probe never subscribes or commits.
        EnableAutoCommit = false,
    }).Build();

    private readonly IAdminClient _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();

    /// <summary>Total lag over all partitions, also written to the gauge per partition.</summary>
    public long Measure(TimeSpan timeout)
    {
        var metadata = _admin.GetMetadata(timeout);
        var partitions = metadata.Topics.Where(t => topics.Contains(t.Topic))
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
        if (partitions.Count == 0) return 0;
        var committed = _client.Committed(partitions, timeout);
        long total = 0;
        foreach (var c in committed)
        {
            var w = _client.QueryWatermarkOffsets(c.TopicPartition, timeout);
            long position = c.Offset == Offset.Unset ? w.Low.Value : c.Offset.Value;
            long lag = Math.Max(0, w.High.Value - position);
            metrics.SetLag(c.Topic, c.Partition.Value, lag);
            total += lag;
        }
        return total;
    }

    public void Dispose()
    {
        _client.Dispose();
        _admin.Dispose();
    }
}
