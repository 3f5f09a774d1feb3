using Confluent.Kafka;

namespace NovaOps.Streams.History;

/// <summary>
/// Per partition, the offsets whose data is not in ClickHouse yet (rows in a batch, a VM's open minute): the offset to
/// commit is the lowest of them, or the next one after what was read. A restart re-reads from there; what it writes
/// again collapses in the ReplacingMergeTree tables.
/// </summary>
internal sealed class PendingOffsets
{
    private readonly Dictionary<TopicPartition, SortedDictionary<long, int>> _pending = [];
    private readonly Dictionary<TopicPartition, long> _next = [];

    public void Seen(TopicPartition tp, long offset) => _next[tp] = Math.Max(_next.GetValueOrDefault(tp), offset + 1);

    public void Hold(TopicPartition tp, long offset)
    {
        if (!_pending.TryGetValue(tp, out var held)) _pending[tp] = held = [];
        held[offset] = held.GetValueOrDefault(offset) + 1;
    }

    public void Release(TopicPartition tp, long offset)
    {
        if (!_pending.TryGetValue(tp, out var held) || !held.TryGetValue(offset, out int n)) return;
        if (n <= 1) held.Remove(offset); else held[offset] = n - 1;
    }

    /// <summary>The offsets safe to commit now.</summary>
    public IEnumerable<TopicPartitionOffset> Safe()
    {
        foreach (var (tp, next) in _next)
            yield return new TopicPartitionOffset(tp, _pending.TryGetValue(tp, out var held) && held.Count > 0 ? held.Keys.First() : next);
    }

    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var tp in partitions) { _pending.Remove(tp); _next.Remove(tp); }
    }
}
