using Confluent.Kafka;
using NovaOps.Kafka;

namespace NovaOps.Broker;

/// <summary>
/// Reads a whole topic, from its first record to its end as of now, by partition assignment (no group join): how
/// a service whose memory is its own output topic (the executor's actions, the placement responses) rebuilds it
/// at start.
/// </summary>
public static class TopicReplay
{
    public static List<byte[]> ReadAll(KafkaClientOptions kafka, string topic, TimeSpan? timeout = null) =>
        [.. ReadAllRecords(kafka, topic, timeout).Select(r => r.Value)];

    /// <summary>The same, with each record's partition and offset (what an audit of the topic counts by).</summary>
    public static List<(int Partition, long Offset, byte[] Value)> ReadAllRecords(KafkaClientOptions kafka, string topic, TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(10);
        using var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"replay-{Guid.NewGuid():N}", EnableAutoCommit = false,
        })).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, wait).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, wait).High.Value);
        var open = partitions.Where(p => ends[p] > 0).ToHashSet();
        var values = new List<(int, long, byte[])>();
        if (open.Count == 0) return values;
        consumer.Assign(open.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        while (open.Count > 0)
        {
            var r = consumer.Consume(wait) ?? throw new TimeoutException($"replaying {topic}: no record within {wait.TotalSeconds:0} s");
            if (r.Message?.Value is { } value) values.Add((r.Partition.Value, r.Offset.Value, value));
            if (r.Offset.Value + 1 >= ends[r.TopicPartition]) open.Remove(r.TopicPartition);
        }
        return values;
    }
}
