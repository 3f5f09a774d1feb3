using NovaOps.Broker;
using NovaOps.Streams.Anomaly;

namespace NovaOps.Cli;

/// <summary>The topics of the configured region (prefix, partitions), internal ones included.</summary>
public static class RegionTopics
{
    public static IReadOnlyList<TopicSpec> Specs(NovaOpsSettings settings) =>
    [
        .. new[]
        {
            AnomalyTopology.RequiredTopics(settings.Kafka.Topics, settings.Anomaly, settings.Kafka.Partitions),
            NovaOps.Streams.Rca.RcaTopology.RequiredTopics(settings.Kafka.Topics, settings.Kafka.Partitions),
            NovaOps.Streams.Remediation.RemediationApp.RequiredTopics(settings.Kafka.Topics),
            NovaOps.Streams.Placement.PlacementApp.RequiredTopics(settings.Kafka.Topics, settings.Kafka.Partitions),
        }.SelectMany(t => t).DistinctBy(t => t.Name), // the failover topics are both the executor's and the placement service's
    ];

    public static Task EnsureAsync(ITopicProvisioner provisioner, NovaOpsSettings settings, CancellationToken ct) =>
        provisioner.EnsureTopicsAsync(Specs(settings), ct);
}
