using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Contracts;
using NovaOps.History;
using NovaOps.History.Rows;
using NovaOps.History.Schema;
using NovaOps.Observability;
using NovaOps.Kafka;

namespace NovaOps.Streams.History;

/// <summary>
/// The region's history sink: telemetry as per-VM per-minute rollups, and every anomaly, prediction, root-cause ranking
/// and remediation decision as a row, in ClickHouse (<see cref="HistoryTables"/>). Rows are batched per table by size and
/// time (<see cref="HistoryOptions.BatchRows"/>, <see cref="HistoryOptions.BatchDelay"/>) and inserted as RowBinary.
/// At least once, without duplicates: offsets are committed only below what is not yet in ClickHouse
/// (<see cref="PendingOffsets"/>); what a restart writes again collapses in the ReplacingMergeTree tables. One instance
/// per region (a plain consumer loop; rollups of a partition moved away are rebuilt by its new reader from the
/// committed offsets). A failed insert is retried, its records held; an unreadable record is dead-lettered.
/// </summary>
public sealed class HistoryApp : IAsyncDisposable
{
    private readonly KafkaClientOptions _kafka;
    private readonly TopicNames _topics;
    private readonly HistoryStore _store;
    private readonly PipelineMetrics _metrics;
    private readonly string _groupId;
    private readonly ILogger _log;
    private readonly NovaOps.Streams.Consumer.ServiceLoop _loop = new();
    private readonly IProducer<string, byte[]> _producer;
    private readonly NovaOps.Streams.Consumer.DeadLetterSink _deadLetters;
    private readonly TelemetryCodec _codec = new();
    private readonly PendingOffsets _pending = new();
    private readonly Dictionary<string, TableBatch> _batches;
    private readonly Dictionary<string, (MinuteRollup Rollup, TopicPartition Tp, long Offset, long LastWall)> _open = new(StringComparer.Ordinal);
    private readonly Prometheus.Counter _rows, _insertFailures;
    private long _retryAfter, _storedAt;

    public HistoryApp(KafkaClientOptions kafka, TopicNames topics, HistoryStore store, PipelineMetrics metrics, string groupId, ILoggerFactory? logging = null)
    {
        _kafka = kafka;
        _topics = topics;
        _store = store;
        _metrics = metrics;
        _groupId = groupId;
        _log = (logging ?? NullLoggerFactory.Instance).CreateLogger<HistoryApp>();
        _batches = HistoryTables.All.ToDictionary(t => t.Name, t => new TableBatch(t));
        _producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig { LingerMs = 5 })).Build();
        _deadLetters = new NovaOps.Streams.Consumer.DeadLetterSink(_producer, topics, metrics);
        var f = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _rows = f.CreateCounter("novaops_history_rows_total", "Rows inserted into ClickHouse, by table.", ["app", "table"]);
        _insertFailures = f.CreateCounter("novaops_history_insert_failures_total", "Inserts ClickHouse refused or did not answer (retried), by table.", ["app", "table"]);
    }

    /// <summary>Rows inserted so far, all tables.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>Why the service stopped processing on its own, or null while it runs (<see cref="NovaOps.Streams.Consumer.ServiceLoop.Failure"/>).</summary>
    public string? Failure => _loop.Failure;

    /// <summary>Applies the schema migrations, then starts reading; returns once partitions are assigned.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        var applied = await _store.MigrateAsync(ct);
        if (applied.Count > 0) _log.LogInformation("Applied schema migrations {Versions}", string.Join(", ", applied));
        await _loop.StartAsync(Loop, ct);
    }

    private async Task Loop(CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(_kafka.Apply(new ConsumerConfig
        {
            GroupId = _groupId, AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true, EnableAutoOffsetStore = false, SessionTimeoutMs = 10_000,
        }))
            .SetPartitionsAssignedHandler((_, _) => _loop.Assigned())
            .SetPartitionsRevokedHandler((_, revoked) => Forget(revoked.Select(p => p.TopicPartition).ToList()))
            .Build();
        consumer.Subscribe([_topics.Telemetry, _topics.Anomalies, _topics.Predictions, _topics.RootCauses, _topics.Actions]);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                ConsumeResult<string, byte[]>? r;
                try { r = consumer.Consume(TimeSpan.FromMilliseconds(200)); }
                catch (ConsumeException e) when (!e.Error.IsFatal) { _log.LogWarning("consume: {Reason}", e.Error.Reason); continue; }
                if (r?.Message?.Value is { } value)
                {
                    _metrics.RecordsIn(r.Topic).Inc();
                    _pending.Seen(r.TopicPartition, r.Offset.Value);
                    Route(r, value);
                }
                CloseIdleMinutes(all: false);
                await FlushDue(ct, all: false);
                Store(consumer);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            // A clean stop writes what it holds, and commits below anything it could not write.
            CloseIdleMinutes(all: true);
            try { await FlushDue(CancellationToken.None, all: true); } catch (Exception e) { _log.LogWarning("final flush: {Error}", e.Message); }
            Store(consumer, now: true);
            try { consumer.Commit(); } catch (KafkaException) { }
            _producer.Flush(TimeSpan.FromSeconds(10));
            consumer.Close();
        }
    }

    private void Route(ConsumeResult<string, byte[]> r, byte[] value)
    {
        if (r.Topic == _topics.Telemetry) Telemetry(r, value);
        else if (r.Topic == _topics.Anomalies) Event(r, RecordDecoders.Anomaly.Decode(value), HistoryTables.Anomalies, EventRows.Anomaly);
        else if (r.Topic == _topics.Predictions) Event(r, RecordDecoders.Prediction.Decode(value), HistoryTables.Predictions, EventRows.Prediction);
        else if (r.Topic == _topics.RootCauses) Event(r, RecordDecoders.RootCause.Decode(value), HistoryTables.RootCauses, EventRows.RootCause);
        else if (r.Topic == _topics.Actions) Event(r, RecordDecoders.Action.Decode(value), HistoryTables.Actions, EventRows.Action);
    }

    /// <summary>A row of an event table, or the record to the dead-letter topic with why it cannot be one.</summary>
    private void Event<T>(ConsumeResult<string, byte[]> r, Decoded<T> decoded, HistoryTable table, Action<NovaOps.History.RowBinary.RowBinaryWriter, T> write) where T : class
    {
        if (decoded.Record is { } record) Row(r, table, w => write(w, record));
        else _deadLetters.Write(r, decoded.Code!, $"the history sink cannot read this {r.Topic} record: {decoded.Reason}");
    }

    private void Row(ConsumeResult<string, byte[]> r, HistoryTable table, Action<NovaOps.History.RowBinary.RowBinaryWriter> write)
    {
        var batch = _batches[table.Name];
        write(batch.Rows);
        batch.Added(r.TopicPartition, r.Offset.Value);
        _pending.Hold(r.TopicPartition, r.Offset.Value);
    }

    // Telemetry the anomaly app refuses is its to dead-letter; here it is left out of the rollups.
    private void Telemetry(ConsumeResult<string, byte[]> r, byte[] value)
    {
        if (_codec.Decode(value, r.Message.Key).Sample is not { } sample) return;
        long minute = MinuteRollup.MinuteOf(sample.TimestampMs);
        long now = Stopwatch.GetTimestamp();
        if (_open.TryGetValue(sample.VmId, out var open))
        {
            if (open.Rollup.MinuteMs == minute)
            {
                open.Rollup.Add(sample);
                _open[sample.VmId] = open with { LastWall = now };
                return;
            }
            if (minute < open.Rollup.MinuteMs) return; // late for a minute already closed: left out (at most a sample or two)
            Close(sample.VmId, open);
        }
        var rollup = new MinuteRollup(sample, minute);
        rollup.Add(sample);
        _open[sample.VmId] = (rollup, r.TopicPartition, r.Offset.Value, now);
        _pending.Hold(r.TopicPartition, r.Offset.Value);
    }

    private void Close(string vm, (MinuteRollup Rollup, TopicPartition Tp, long Offset, long LastWall) open)
    {
        var batch = _batches[HistoryTables.TelemetryMinutes.Name];
        open.Rollup.Write(batch.Rows);
        batch.Added(open.Tp, open.Offset); // the minute's first record stays held until the row is inserted
        _open.Remove(vm);
    }

    private void CloseIdleMinutes(bool all)
    {
        if (_open.Count == 0) return;
        long idle = (long)(_store.Options.MinuteIdleClose.TotalSeconds * Stopwatch.Frequency), now = Stopwatch.GetTimestamp();
        foreach (var (vm, open) in _open.ToList())
            if (all || now - open.LastWall >= idle) Close(vm, open);
    }

    private async Task FlushDue(CancellationToken ct, bool all)
    {
        if (Stopwatch.GetTimestamp() < _retryAfter && !all) return;
        foreach (var batch in _batches.Values)
        {
            if (!(all ? batch.Count > 0 : batch.Due(_store.Options.BatchRows, _store.Options.BatchDelay))) continue;
            int rows = batch.Count;
            try { await _store.InsertAsync(batch.Table, batch.Rows, ct); }
            catch (Exception e) when (e is HttpRequestException or ClickHouse.Driver.ClickHouseServerException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                _insertFailures.WithLabels(_metrics.App, batch.Table.Name).Inc();
                _log.LogWarning("insert into {Table} failed ({Error}); retrying in 2 s", batch.Table.Name, e.Message);
                _retryAfter = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
                if (all) throw;
                return;
            }
            foreach (var (tp, offset) in batch.Sources) _pending.Release(tp, offset);
            batch.Sources.Clear();
            _rows.WithLabels(_metrics.App, batch.Table.Name).Inc(rows);
            _metrics.RecordsOut($"clickhouse:{batch.Table.Name}").Inc(rows);
            RowsWritten += rows;
        }
    }

    private void Store(IConsumer<string, byte[]> consumer, bool now = false)
    {
        // Once a second is plenty: librdkafka commits what is stored every 5 s.
        if (!now && Stopwatch.GetElapsedTime(_storedAt) < TimeSpan.FromSeconds(1)) return;
        _storedAt = Stopwatch.GetTimestamp();
        foreach (var safe in _pending.Safe())
        {
            try { consumer.StoreOffset(safe); }
            catch (KafkaException) { } // the partition went away meanwhile
        }
    }

    private void Forget(List<TopicPartition> revoked)
    {
        // Their open minutes and held offsets belong to the partitions' next reader, which starts from the committed offsets.
        var gone = revoked.ToHashSet();
        foreach (var (vm, open) in _open.ToList()) if (gone.Contains(open.Tp)) _open.Remove(vm);
        _pending.Forget(revoked);
    }

    public async ValueTask DisposeAsync()
    {
        await _loop.DisposeAsync();
        _producer.Dispose();
    }
}
