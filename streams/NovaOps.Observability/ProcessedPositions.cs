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
    /// The cell of one partition. A task processes one partition: it takes its cell once and then
    /// only writes a long per record (no hashing on the hot path).
    /// </summary>
    public StrongBox<long> For(string topic, int partition) => _last.GetOrAdd((topic, partition), _ => new StrongBox<long>(-1));

    public IReadOnlyDictionary<(string Topic, int Partition), long> Snapshot() =>
        _last.Where(kv => Volatile.Read(ref kv.Value.Value) >= 0).ToDictionary(kv => kv.Key, kv => Volatile.Read(ref kv.Value.Value));
}
