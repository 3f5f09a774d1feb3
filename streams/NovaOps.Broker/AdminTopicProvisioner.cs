using Confluent.Kafka;
using Confluent.Kafka.Admin;
using NovaOps.Kafka;

namespace NovaOps.Broker;

/// <summary>
/// Creates missing topics through the admin API; existing ones are left alone and no request is sent
/// for them (so a cluster without CreateTopics, like the embedded broker, works once its topics exist).
/// </summary>
public sealed class AdminTopicProvisioner(KafkaClientOptions kafka) : ITopicProvisioner
{
    public async Task EnsureTopicsAsync(IEnumerable<TopicSpec> topics, CancellationToken cancellationToken = default)
    {
        using var admin = new AdminClientBuilder(kafka.Apply(new AdminClientConfig())).Build();
        var existing = admin.GetMetadata(TimeSpan.FromSeconds(30)).Topics
            .Where(t => !t.Error.IsError).Select(t => t.Topic).ToHashSet();
        var specs = topics.Where(t => !existing.Contains(t.Name)).Select(t => new TopicSpecification
        {
            Name = t.Name,
            NumPartitions = t.Partitions,
            ReplicationFactor = (short)t.ReplicationFactor,
            Configs = t.Compacted ? new Dictionary<string, string> { ["cleanup.policy"] = "compact" } : null,
        }).ToList();
        if (specs.Count == 0) return;
        try
        {
            await admin.CreateTopicsAsync(specs, new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
        }
        catch (CreateTopicsException e)
        {
            var failed = e.Results.Where(r => r.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists)).ToList();
            if (failed.Count > 0)
                throw new InvalidOperationException(
                    "cannot create topics: " + string.Join("; ", failed.Select(r => $"{r.Topic}: {r.Error.Reason}")), e);
        }
    }
}
