using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.State.Enumerator;
using Streamiz.Kafka.Net.State.Supplier;

namespace NovaOps.Streams.Anomaly.State;

/// <summary>
/// A key-value store that keeps written values as live objects and writes them to the store below
/// (serialisation, changelog) only when Streamiz flushes its stores, which it does at every commit
/// before the offsets are committed. The changelog therefore holds the state of exactly the records
/// whose offsets are committed (at-least-once, as with Streamiz's own cache), while a hot key costs a
/// dictionary write per record instead of a serialisation and a cache entry.
/// </summary>
/// <remarks>
/// Values are kept by reference: a caller that mutates a value after <see cref="Put"/> changes what
/// the next flush writes, which is the point (the anomaly transformer updates its per-VM array in
/// place). Like every Streamiz store, it belongs to the stream thread of its task.
/// </remarks>
public sealed class WriteBehindKeyValueStore<K, V> : IKeyValueStore<K, V> where K : notnull
{
    private readonly IKeyValueStore<K, V> _inner;
    private readonly Dictionary<K, V> _dirty;

    public WriteBehindKeyValueStore(IKeyValueStore<K, V> inner, IEqualityComparer<K>? comparer = null)
    {
        _inner = inner;
        _dirty = new Dictionary<K, V>(comparer);
    }

    /// <summary>Keys written since the last flush.</summary>
    public int PendingWrites => _dirty.Count;

    /// <summary>
    /// Runs at the start of every flush, that is before each commit's offsets: Streamiz offers processors
    /// no other pre-commit hook, and work buffered by a processor (micro-batches) must be done by then.
    /// </summary>
    public event Action? Flushing;

    public string Name => _inner.Name;
    public bool Persistent => _inner.Persistent;
    public bool IsLocally => _inner.IsLocally;
    public bool IsOpen => _inner.IsOpen;

    // Streamiz registers the root it is given: passing ourselves down makes the state manager call our
    // Flush at commit, while restoration from the changelog still fills the store below.
    public void Init(ProcessorContext context, IStateStore root) => _inner.Init(context, root);

    public void Flush()
    {
        Flushing?.Invoke();
        if (_dirty.Count > 0)
        {
            foreach (var (key, value) in _dirty) _inner.Put(key, value);
            _dirty.Clear();
        }
        _inner.Flush();
    }

    public void Close()
    {
        // A task that closes cleanly commits first (and so flushes); a store closed without a commit
        // drops its pending writes exactly as the records behind them will be reprocessed.
        _dirty.Clear();
        _inner.Close();
    }

    public V Get(K key) => _dirty.TryGetValue(key, out var value) ? value : _inner.Get(key);

    public void Put(K key, V value) => _dirty[key] = value;

    public V PutIfAbsent(K key, V value)
    {
        var existing = Get(key);
        if (existing is null) Put(key, value);
        return existing;
    }

    public void PutAll(IEnumerable<KeyValuePair<K, V>> entries)
    {
        foreach (var (key, value) in entries) Put(key, value);
    }

    public V Delete(K key)
    {
        // Deletes are rare: write through so that the store below logs the tombstone in order.
        Flush();
        return _inner.Delete(key);
    }

    // Scans are rare and must see every write: flush first, then read the store below.
    public IKeyValueEnumerator<K, V> Range(K from, K to) { Flush(); return _inner.Range(from, to); }
    public IKeyValueEnumerator<K, V> ReverseRange(K from, K to) { Flush(); return _inner.ReverseRange(from, to); }
    public IEnumerable<KeyValuePair<K, V>> All() { Flush(); return _inner.All(); }
    public IEnumerable<KeyValuePair<K, V>> ReverseAll() { Flush(); return _inner.ReverseAll(); }
    public long ApproximateNumEntries() { Flush(); return _inner.ApproximateNumEntries(); }
}

/// <summary>Builds a Streamiz key-value store (in memory, logged, metered) behind a <see cref="WriteBehindKeyValueStore{K,V}"/>.</summary>
public sealed class WriteBehindStoreBuilder<K, V>(IKeyValueBytesStoreSupplier supplier, Streamiz.Kafka.Net.SerDes.ISerDes<K> keySerDes,
    Streamiz.Kafka.Net.SerDes.ISerDes<V> valueSerDes, IEqualityComparer<K>? comparer = null)
    : KeyValueStoreBuilder<K, V>(supplier, keySerDes, valueSerDes) where K : notnull
{
    public override IKeyValueStore<K, V> Build(Streamiz.Kafka.Net.IStreamConfig config) =>
        new WriteBehindKeyValueStore<K, V>(base.Build(config), comparer);
}
