using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace NovaOps.Observability;

/// <summary>
/// The offset of the last record an app instance processed, per topic partition. Written by the
/// stream thread, read by the lag probe. It reflects processing, not commits, so it answers "how far
/// behind is this instance" even between commits.
/// </summary>
public sealed class ProcessedPositions
{
    private readonly ConcurrentDictionary<(string Topic, int Partition), StrongBox<long>> _last = new();

    /// <summary>
    /// A new cell for one partition, for the task that now processes it. A task processes one partition: it takes
    /// its cell once and then only writes a long per record (no hashing on the hot path). A cell taken later for the
    /// same partition (its next task, on this thread or another) replaces this one.
    /// </summary>
    public StrongBox<long> For(string topic, int partition)
    {
        var cell = new StrongBox<long>(-1);
        _last[(topic, partition)] = cell;
        return cell;
    }

    /// <summary>
    /// The task holding <paramref name="cell"/> has closed: its partition is no longer this instance's (it moved
    /// to another instance in a rebalance, or the app stops) unless a newer task took it already, whose own cell
    /// stays. Without this, an instance kept reporting the growing lag of partitions another instance was consuming.
    /// A scan of this instance's partitions, once per task closed.
    /// </summary>
    public void Release(StrongBox<long> cell)
    {
        foreach (var entry in _last)
            if (ReferenceEquals(entry.Value, cell)) _last.TryRemove(entry);
    }

    public IReadOnlyDictionary<(string Topic, int Partition), long> Snapshot() =>
        _last.Where(kv => Volatile.Read(ref kv.Value.Value) >= 0).ToDictionary(kv => kv.Key, kv => Volatile.Read(ref kv.Value.Value));
}
