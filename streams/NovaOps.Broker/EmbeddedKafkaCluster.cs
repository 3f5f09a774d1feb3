using System.Runtime.InteropServices;
using System.Text;

namespace NovaOps.Broker;

/// <summary>
/// A Kafka cluster inside this process: librdkafka's mock cluster, serving real clients over TCP
/// on 127.0.0.1 (other processes included). It is the default broker on a single machine and the
/// broker of the integration tests. Its limits, measured: about 5 MiB kept per partition (older
/// batches silently dropped, so use enough partitions), no CreateTopics (use <see cref="CreateTopic"/>),
/// transactional offset commits not stored.
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly Lock _gate = new();
    private IntPtr _rk;
    private IntPtr _cluster;

    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    public EmbeddedKafkaCluster(EmbeddedKafkaOptions? options = null)
    {
        options ??= new EmbeddedKafkaOptions();
        if (options.Brokers < 1) throw new ArgumentOutOfRangeException(nameof(options), "at least one broker");
        LibrdkafkaNative.EnsureResolver();

        // The mock cluster belongs to a librdkafka handle: a bare producer handle that never produces.
        var err = new byte[512];
        IntPtr conf = LibrdkafkaNative.rd_kafka_conf_new();
        // Silence the "no bootstrap.servers" notice of the owning handle.
        LibrdkafkaNative.rd_kafka_conf_set(conf, "log_level", "3", err, (UIntPtr)err.Length);
        _rk = LibrdkafkaNative.rd_kafka_new(LibrdkafkaNative.RdKafkaProducer, conf, err, (UIntPtr)err.Length);
        if (_rk == IntPtr.Zero)
            throw new InvalidOperationException($"cannot create the librdkafka handle of the embedded broker: {Text(err)}");

        _cluster = LibrdkafkaNative.rd_kafka_mock_cluster_new(_rk, options.Brokers);
        if (_cluster == IntPtr.Zero)
        {
            LibrdkafkaNative.rd_kafka_destroy(_rk);
            throw new InvalidOperationException("librdkafka could not start its mock cluster");
        }

        LibrdkafkaNative.rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, (int)options.InitialRebalanceDelay.TotalMilliseconds);
        BootstrapServers = Marshal.PtrToStringUTF8(LibrdkafkaNative.rd_kafka_mock_cluster_bootstraps(_cluster))
            ?? throw new InvalidOperationException("the mock cluster reported no bootstrap servers");
        BrokerCount = options.Brokers;
    }

    /// <summary>Creates a topic (idempotent for the same partition count).</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            int rc = LibrdkafkaNative.rd_kafka_mock_topic_create(_cluster, name, partitions, Math.Min(replicationFactor, BrokerCount));
            if (rc != 0)
                throw new InvalidOperationException($"cannot create topic '{name}': {LibrdkafkaNative.ErrorText(rc)}");
        }
    }

    /// <summary>Takes a broker down (connections closed, requests refused) for fault tests. Ids start at 1.</summary>
    public void SetBrokerDown(int brokerId) => Check(LibrdkafkaNative.rd_kafka_mock_broker_set_down(Cluster, brokerId));

    public void SetBrokerUp(int brokerId) => Check(LibrdkafkaNative.rd_kafka_mock_broker_set_up(Cluster, brokerId));

    /// <summary>Adds this round-trip time to every request the broker answers (0 removes it), for fault tests.</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt) => Check(LibrdkafkaNative.rd_kafka_mock_broker_set_rtt(Cluster, brokerId, (int)rtt.TotalMilliseconds));

    /// <summary>
    /// Fails the cluster's next requests of one kind with these errors, one request each, whichever client
    /// sends them: for tests of how the apps ride out a broker's refusals (a commit refused mid-rebalance).
    /// </summary>
    public void FailNextRequests(KafkaRequest request, params Confluent.Kafka.ErrorCode[] errors)
    {
        if (errors.Length == 0) throw new ArgumentException("at least one error", nameof(errors));
        int[] codes = [.. errors.Select(e => (int)e)];
        LibrdkafkaNative.rd_kafka_mock_push_request_errors_array(Cluster, (short)request, (UIntPtr)codes.Length, codes);
    }

    private IntPtr Cluster
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
                return _cluster;
            }
        }
    }

    private static void Check(int rc)
    {
        if (rc != 0) throw new InvalidOperationException(LibrdkafkaNative.ErrorText(rc));
    }

    private static string Text(byte[] err) => Encoding.UTF8.GetString(err, 0, Math.Max(0, Array.IndexOf(err, (byte)0)));

    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != IntPtr.Zero)
            {
                LibrdkafkaNative.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = IntPtr.Zero;
            }
            if (_rk != IntPtr.Zero)
            {
                LibrdkafkaNative.rd_kafka_destroy(_rk);
                _rk = IntPtr.Zero;
            }
        }
    }
}

/// <summary>Kafka protocol request kinds (their API keys) the embedded broker can be told to fail.</summary>
public enum KafkaRequest : short
{
    Produce = 0,
    Fetch = 1,
    OffsetCommit = 8,
    JoinGroup = 11,
    Heartbeat = 12,
    SyncGroup = 14,
}
