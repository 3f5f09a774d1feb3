using System.Collections.Concurrent;

namespace NovaOps.Observability;

/// <summary>
/// The offset of the last record an app instance processed, per topic partition. Written by the
/// stream thread, read by the lag probe. It reflects processing, not commits, so it answers "how far
/// behind is this instance" even between commits.
/// </summary>
public sealed class ProcessedPositions
{
    private readonly ConcurrentDictionary<(string Topic, int Partition), long> _last = new();

    public void Advance(string topic, int partition, long offset) => _last[(topic, partition)] = offset;

    public IReadOnlyDictionary<(string Topic, int Partition), long> Snapshot() => new Dictionary<(string, int), long>(_last);
}
