namespace NovaOps.Broker;

/// <summary>Creates topics through the mock cluster's C API (it does not serve CreateTopics).</summary>
public sealed class EmbeddedTopicProvisioner(EmbeddedKafkaCluster cluster) : ITopicProvisioner
{
    public Task EnsureTopicsAsync(IEnumerable<TopicSpec> topics, CancellationToken cancellationToken = default)
    {
        foreach (var t in topics)
            cluster.CreateTopic(t.Name, t.Partitions, t.ReplicationFactor);
        return Task.CompletedTask;
    }
}
