namespace NovaOps.Broker;

/// <summary>
/// Where the apps of one run talk to: the given Kafka, or, when none is given, an embedded
/// cluster started here and stopped on dispose.
/// </summary>
public sealed class KafkaConnection : IDisposable
{
    private readonly EmbeddedKafkaCluster? _embedded;

    public string BootstrapServers { get; }

    public ITopicProvisioner Topics { get; }

    /// <summary>The embedded cluster, when this connection runs one (fault tests use it).</summary>
    public EmbeddedKafkaCluster? Embedded => _embedded;

    public bool IsEmbedded => _embedded is not null;

    /// <summary>
    /// The consumer session timeout to use here: on the embedded broker a member joining a running
    /// group waits one session timeout (its coordinator rebalances only when sessions lapse), so it is
    /// capped at a few seconds there; a real Kafka keeps the configured value.
    /// </summary>
    public int SessionTimeoutMs(int configured) => IsEmbedded ? Math.Min(configured, 6000) : configured;

    private KafkaConnection(string bootstrapServers, ITopicProvisioner topics, EmbeddedKafkaCluster? embedded)
    {
        BootstrapServers = bootstrapServers;
        Topics = topics;
        _embedded = embedded;
    }

    public static KafkaConnection Open(string? bootstrapServers, EmbeddedKafkaOptions? embeddedOptions = null)
    {
        if (!string.IsNullOrWhiteSpace(bootstrapServers))
            return new KafkaConnection(bootstrapServers, new AdminTopicProvisioner(bootstrapServers), null);
        var cluster = new EmbeddedKafkaCluster(embeddedOptions);
        return new KafkaConnection(cluster.BootstrapServers, new EmbeddedTopicProvisioner(cluster), cluster);
    }

    public void Dispose() => _embedded?.Dispose();
}
