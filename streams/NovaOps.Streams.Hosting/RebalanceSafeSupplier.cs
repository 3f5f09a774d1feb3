using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Kafka;
using Streamiz.Kafka.Net.Metrics;

namespace NovaOps.Streams.Hosting;

/// <summary>
/// The Kafka clients of every NovaOps stream app: Streamiz's own, except that each stream thread's consumer
/// survives losing its partitions, which Streamiz 1.8.2's does not.
/// <para>
/// Why: Streamiz marks a stream thread as rebalancing while it hands its partitions back, and clears the mark only
/// when the hand-over ends normally. The hand-over commits the offsets of the tasks it closes; when that commit is
/// refused (the thread's session lapsed and its partitions went elsewhere, or the group's generation moved on), the
/// exception escapes with the mark still set, and the thread then sleeps for good: it never polls again, so it never
/// takes the partitions the group gives it next, and they are not processed until the group evicts it (the poll
/// interval, 5 min). Measured on the embedded broker: an instance holding uncommitted records when a second instance
/// joined never processed again; the same with two stream threads of one instance stalled about 1 bench run in 10.
/// </para>
/// <para>
/// What this does instead, as Kafka Streams does: partitions the consumer has lost (librdkafka knows) are closed
/// without a commit through Streamiz's own lost-partitions path, which clears the mark; in a hand-over the consumer
/// lets a refused commit pass (<see cref="HandOverConsumer"/>), so the tasks close as usual, only uncommitted.
/// Either way the records since the last commit are read again by the next owner (at least once, as everywhere in
/// NovaOps) and the thread rejoins the group.
/// </para>
/// </summary>
/// <param name="closeTimeout">How long closing one consumer may take before it is left behind (<see cref="HandOverConsumer.Close"/>).</param>
public sealed class RebalanceSafeSupplier(IStreamConfig config, TimeSpan closeTimeout) : IKafkaSupplier
{
    private readonly DefaultKafkaClientSupplier _defaults = new(new KafkaLoggerAdapter(config), config);
    // The category of Streamiz's own client log, so that Logging:LogLevel:Streamiz governs librdkafka's lines as before.
    private readonly ILogger _clientLog = config.Logger.CreateLogger(typeof(KafkaLoggerAdapter).FullName!);
    private readonly ILogger _log = config.Logger.CreateLogger("NovaOps.Streams.Rebalance");

    public StreamMetricsRegistry MetricsRegistry
    {
        get => _defaults.MetricsRegistry;
        set => _defaults.MetricsRegistry = value;
    }

    /// <summary>
    /// A stream thread's consumer, built as Streamiz builds it but with a lost-partitions handler (without one,
    /// Confluent.Kafka gives lost partitions to the revocation handler, whose commit then fails) and without
    /// librdkafka statistics, which NovaOps does not turn on.
    /// </summary>
    public IConsumer<byte[], byte[]> GetConsumer(ConsumerConfig consumerConfig, IConsumerRebalanceListener rebalanceListener)
    {
        if (rebalanceListener is null) return _defaults.GetConsumer(consumerConfig, null);
        RevocationGuard? listener = null; // the handlers run only from a poll, once both exist
        var consumer = new HandOverConsumer(new DefaultKafkaClientBuilder().GetConsumerBuilder(consumerConfig)
            .SetPartitionsAssignedHandler((_, p) => listener!.Assigned(p))
            .SetPartitionsRevokedHandler((_, p) => listener!.Revoked(p))
            .SetPartitionsLostHandler((_, p) => listener!.Lost(p))
            .SetLogHandler((_, m) => _clientLog.Log(Level(m.Level), "{Client} {Facility}: {Message}", m.Name, m.Facility, m.Message))
            .SetErrorHandler((c, e) => _clientLog.LogError("{Client}: {Reason}", c.Name, e.Reason))
            .Build(), _log, closeTimeout);
        listener = new RevocationGuard(rebalanceListener, consumer, _log);
        return consumer;
    }

    private static LogLevel Level(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Debug => LogLevel.Debug,
        _ => LogLevel.Information,
    };

    public IProducer<byte[], byte[]> GetProducer(ProducerConfig producerConfig) => _defaults.GetProducer(producerConfig);

    // The restore and global-table consumers ride out a failed fetch too: Streamiz's global thread aborted the process
    // on one REQUEST_TIMED_OUT (found by `novaops chaos`).
    public IConsumer<byte[], byte[]> GetRestoreConsumer(ConsumerConfig consumerConfig) => new HandOverConsumer(_defaults.GetRestoreConsumer(consumerConfig), _log, closeTimeout);

    public IConsumer<byte[], byte[]> GetGlobalConsumer(ConsumerConfig consumerConfig) => new HandOverConsumer(_defaults.GetGlobalConsumer(consumerConfig), _log, closeTimeout);

    public IAdminClient GetAdmin(AdminClientConfig adminConfig) => OutageTolerantAdmin.Wrap(_defaults.GetAdmin(adminConfig), _log);
}

/// <summary>A stream thread's rebalance listener that lets its hand-over survive a refused commit and never leaves the thread asleep.</summary>
internal sealed class RevocationGuard(IConsumerRebalanceListener streamiz, HandOverConsumer consumer, ILogger log)
{
    public void Assigned(List<TopicPartition> partitions) => streamiz.PartitionsAssigned(consumer, partitions);

    public void Revoked(List<TopicPartitionOffset> partitions)
    {
        consumer.HandingOver = true;
        try
        {
            streamiz.PartitionsRevoked(consumer, partitions);
        }
        catch (Exception e)
        {
            // Not a refused commit (the consumer lets those pass): a task failed to close. Streamiz has taken the
            // revoked tasks off its books already, so they stay unclosed and may fail this thread's next assignment
            // of the same partitions, which stops the thread with an error and its service for a restart
            // (StreamLiveness): loud, where leaving the hand-over unfinished would leave the thread asleep, unseen.
            log.LogError(e, "Handing over {Count} partitions failed; closing this thread's other tasks as lost so it rejoins the group.", partitions.Count);
            streamiz.PartitionsLost(consumer, partitions);
        }
        finally
        {
            consumer.HandingOver = false;
        }
    }

    public void Lost(List<TopicPartitionOffset> partitions)
    {
        log.LogWarning("This stream thread lost {Count} partitions (its session lapsed or the group moved on); closing their tasks without a commit and rejoining. " +
            "The next owner processes their records since the last commit again.", partitions.Count);
        streamiz.PartitionsLost(consumer, partitions);
    }
}
