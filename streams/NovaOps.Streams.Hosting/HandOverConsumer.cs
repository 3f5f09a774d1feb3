using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace NovaOps.Streams.Hosting;

/// <summary>
/// A stream thread's consumer whose commit, while the thread hands partitions over, may be refused without
/// aborting the hand-over (see <see cref="RebalanceSafeSupplier"/>): the tasks then close as usual, only without their
/// offsets committed, and the next owner processes their records since the last commit again (at least once).
/// Outside a hand-over a refused commit throws as before, and Streamiz rejoins the group cleanly. A fetch error that is
/// not fatal is ridden out (<see cref="RideOut"/>), a query of a partition's end offsets waits out a broker that does not
/// answer for up to <paramref name="outageLimit"/> (<see cref="QueryWatermarkOffsets"/>), and its close may take at most
/// <paramref name="closeTimeout"/> (<see cref="Close"/>).
/// </summary>
internal sealed class HandOverConsumer(IConsumer<byte[], byte[]> inner, ILogger log, TimeSpan closeTimeout, TimeSpan? outageLimit = null)
    : IConsumer<byte[], byte[]>
{
    private bool _closeAbandoned;

    /// <summary>Set by the rebalance listener for the length of a revocation, on the thread that polls.</summary>
    public bool HandingOver { get; set; }

    public void Commit(IEnumerable<TopicPartitionOffset> offsets)
    {
        var list = offsets as IReadOnlyCollection<TopicPartitionOffset> ?? [.. offsets];
        try
        {
            inner.Commit(list);
        }
        catch (KafkaException e) when (HandingOver)
        {
            log.LogWarning("The group refused the commit of {Count} partitions being handed over ({Reason}); their tasks close without it " +
                "and the next owner processes their records since the last commit again.", list.Count, e.Error.Reason);
        }
    }

    public Handle Handle => inner.Handle;
    public string Name => inner.Name;
    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);
    public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);
    public string MemberId => inner.MemberId;
    public List<TopicPartition> Assignment => inner.Assignment;
    public List<string> Subscription => inner.Subscription;
    public IConsumerGroupMetadata ConsumerGroupMetadata => inner.ConsumerGroupMetadata;
    public ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout) => RideOut(() => inner.Consume(millisecondsTimeout));
    public ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default) => RideOut(() => inner.Consume(cancellationToken));
    public ConsumeResult<byte[], byte[]> Consume(TimeSpan timeout) => RideOut(() => inner.Consume(timeout));

    /// <summary>
    /// A fetch a broker refused or timed out (a leader moving, a broker down or slow: errors librdkafka retries on its
    /// own) reads as a poll that found nothing. Streamiz 1.8 treats any exception out of Consume as fatal to the stream
    /// thread, which stopped the app on a single REQUEST_TIMED_OUT (found by `novaops chaos`). Fatal errors still throw.
    /// </summary>
    private ConsumeResult<byte[], byte[]> RideOut(Func<ConsumeResult<byte[], byte[]>> consume)
    {
        try
        {
            return consume();
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            log.LogWarning("A fetch failed ({Reason}); the consumer retries it.", e.Error.Reason);
            return null!;
        }
    }
    public void Subscribe(IEnumerable<string> topics) => inner.Subscribe(topics);
    public void Subscribe(string topic) => inner.Subscribe(topic);
    public void Unsubscribe() => inner.Unsubscribe();
    public void Assign(TopicPartition partition) => inner.Assign(partition);
    public void Assign(TopicPartitionOffset partition) => inner.Assign(partition);
    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => inner.Assign(partitions);
    public void Assign(IEnumerable<TopicPartition> partitions) => inner.Assign(partitions);
    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => inner.IncrementalAssign(partitions);
    public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => inner.IncrementalAssign(partitions);
    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => inner.IncrementalUnassign(partitions);
    public void Unassign() => inner.Unassign();
    public void StoreOffset(ConsumeResult<byte[], byte[]> result) => inner.StoreOffset(result);
    public void StoreOffset(TopicPartitionOffset offset) => inner.StoreOffset(offset);
    public List<TopicPartitionOffset> Commit() => inner.Commit();
    public void Commit(ConsumeResult<byte[], byte[]> result) => inner.Commit(result);
    public void Seek(TopicPartitionOffset tpo) => inner.Seek(tpo);
    public void Pause(IEnumerable<TopicPartition> partitions) => inner.Pause(partitions);
    public void Resume(IEnumerable<TopicPartition> partitions) => inner.Resume(partitions);
    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => inner.Committed(timeout);
    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => inner.Committed(partitions, timeout);
    public Offset Position(TopicPartition partition) => inner.Position(partition);
    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) =>
        inner.OffsetsForTimes(timestampsToSearch, timeout);
    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => inner.GetWatermarkOffsets(topicPartition);

    /// <summary>
    /// A partition's end offsets, asked again while the broker leading it does not answer (a broker down: librdkafka
    /// times the query out). Streamiz asks for them when it restores a task's state after a rebalance and treats any
    /// exception as fatal to the stream thread, which stopped the app during a broker outage (found by `novaops chaos`).
    /// </summary>
    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) =>
        BrokerOutage.Retry(() => inner.QueryWatermarkOffsets(topicPartition, timeout), outageLimit ?? BrokerOutage.DefaultLimit, log, $"the end offsets of {topicPartition}");

    /// <summary>
    /// Closes the consumer, waiting at most the close timeout. librdkafka can block for good in <c>consumer_close</c>
    /// when a rebalance callback fires during the close (confluentinc/librdkafka#4041); the stream thread that calls
    /// this is a foreground thread, so a close stuck on it kept the whole process from ending (a test host waiting on
    /// it failed the run). Past the timeout the close is left to finish, or not, on a pool thread and the stream
    /// thread goes on to end. Offsets and state were committed before the close began.
    /// </summary>
    public void Close()
    {
        var close = Task.Run(inner.Close);
        if (close.Wait(closeTimeout)) return;
        _closeAbandoned = true;
        log.LogError("Closing consumer {Name} did not end within {Timeout}; left to a background thread so that its stream thread can end.", inner.Name, closeTimeout);
    }

    /// <summary>Frees the consumer, unless its close was abandoned: freeing it would wait for that same close.</summary>
    public void Dispose()
    {
        if (!_closeAbandoned) inner.Dispose();
    }
}
