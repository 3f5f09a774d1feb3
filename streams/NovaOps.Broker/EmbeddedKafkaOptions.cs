namespace NovaOps.Broker;

/// <summary>Options of the embedded (librdkafka mock) Kafka cluster.</summary>
public sealed record EmbeddedKafkaOptions
{
    /// <summary>Brokers in the cluster; 3 lets partitions spread and fault tests take one down.</summary>
    public int Brokers { get; init; } = 3;

    /// <summary>
    /// Delay before the first rebalance of a new consumer group. The mock's default is 3 s, which
    /// only slows start-up when every member of a group is in this one process.
    /// </summary>
    public TimeSpan InitialRebalanceDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
