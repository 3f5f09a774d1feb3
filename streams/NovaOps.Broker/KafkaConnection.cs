using NovaOps.Kafka;

namespace NovaOps.Broker;

/// <summary>
/// Where the apps of one run talk to: the given Kafka, or, when none is given, an embedded
/// cluster started here and stopped on dispose.
/// </summary>
public sealed class KafkaConnection : IDisposable
{
    private readonly EmbeddedKafkaCluster? _embedded;

    /// <summary>How the run's clients connect: the given cluster with its TLS/SASL settings, or the embedded one (plaintext).</summary>
    public KafkaClientOptions Client { get; }

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

    private KafkaConnection(KafkaClientOptions client, ITopicProvisioner topics, EmbeddedKafkaCluster? embedded)
    {
        Client = client;
        Topics = topics;
        _embedded = embedded;
    }

    /// <param name="kafka">The cluster to use (null or no servers: start the embedded one).</param>
    public static KafkaConnection Open(KafkaClientOptions? kafka, EmbeddedKafkaOptions? embeddedOptions = null)
    {
        if (kafka is { BootstrapServers: { } servers } && !string.IsNullOrWhiteSpace(servers))
            return new KafkaConnection(kafka, new AdminTopicProvisioner(kafka), null);
        var cluster = new EmbeddedKafkaCluster(embeddedOptions);
        return new KafkaConnection(cluster.BootstrapServers, new EmbeddedTopicProvisioner(cluster), cluster);
    }

    public void Dispose() => _embedded?.Dispose();
}
