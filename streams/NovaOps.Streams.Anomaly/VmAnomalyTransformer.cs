using NovaOps.Contracts;
using NovaOps.Detection;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace NovaOps.Streams.Anomaly;

/// <summary>
/// Decodes and validates each record (rejects become dead letters), then, per VM: adds the sample
/// to the open window; when a window closes, scores its features and emits an anomaly if the score
/// reaches the threshold. The VM's whole state (window sums,
/// baselines, detector memory, feature history) is one packed array (<see cref="State.PackedStateLayout"/>) in a
/// state store with a changelog, so a restarted or moved task resumes where it stopped. Decoding happens here rather than in DSL steps of its own
/// because every Streamiz node costs per record, and this is the hot path (see docs/benchmarks.md).
/// </summary>
public sealed class VmAnomalyTransformer : ITransformer<string, byte[], string, ScoringOutput>
{
    private readonly VmScoring _scoring;
    private readonly TelemetryDecoder _decoder;
    // Read-through cache of the store's values: the task alone writes its store, and the store holds the very
    // array it was given (LiveBytesSerDes), so the cached array is the stored state and the VM's only copy; it
    // spares a key serialisation and a store lookup per record. Dropped with the task on rebalance.
    private readonly Dictionary<string, byte[]> _cache = new(StringComparer.Ordinal);
    private IKeyValueStore<string, byte[]> _store = null!;
    private readonly double[] _state; // the unpacked state of the VM at hand, when its window closes
    private readonly double[] _values = new double[MetricNames.Count];
    private readonly double[] _features;
    private readonly double[] _contributions;
    private Prometheus.Histogram.Child _scores = null!;
    private Prometheus.Histogram.Child _latency = null!;
    private System.Runtime.CompilerServices.StrongBox<long>? _position; // a task reads one partition: one cell
    private ProcessorContext<string, ScoringOutput> _context = null!;
    private bool _batching; // ONNX modes or prediction on: windows wait in the thread's micro-batches
    private long _threadRecordsAtTick = -1;
    private readonly Scoring.TaskOutbox _outbox = new(); // this task's results of those batches
    private State.WriteBehindKeyValueStore<string, byte[]>? _writeBehind;

    /// <summary>Streamiz creates one transformer per task with these arguments (see <see cref="AnomalyTopology"/>).</summary>
    public VmAnomalyTransformer(VmScoring scoring, TelemetryDecoder decoder)
    {
        _scoring = scoring;
        _decoder = decoder;
        _features = new double[scoring.Extractor.Schema.Length];
        _contributions = new double[scoring.Extractor.Schema.MetricCount];
        _state = new double[scoring.StateLength];
    }

    /// <summary>
    /// Streamiz 1.8 builds one throw-away instance through the <c>new()</c> constraint when the topology
    /// is declared; the instances that run are created per task with the scoring argument.
    /// </summary>
    public VmAnomalyTransformer()
    {
        _scoring = null!;
        _decoder = null!;
        _features = [];
        _contributions = [];
        _state = [];
    }

    public void Init(ProcessorContext<string, ScoringOutput> context)
    {
        if (_scoring is null) throw new InvalidOperationException("VmAnomalyTransformer was created without its VmScoring argument");
        _context = context;
        _store = (IKeyValueStore<string, byte[]>)context.GetStateStore(_scoring.Options.StoreName);
        _scores = _scoring.Metrics.AnomalyScore(_scoring.Detector.Name);
        _latency = _scoring.Metrics.ProcessingLatency;
        _batching = _scoring.Model is not null || _scoring.Prediction is not null;
        if (_batching)
        {
            // The batches belong to the stream thread and gather the windows of all its tasks (ThreadBatches).
            // Under load, Process flushes them once full or due; when records stop, the punctuator does (while
            // they flow it flushes only due batches: flushing on every tick would cut batches short). What
            // another task's flush scored for this task waits in the outbox until this task runs (its next
            // record or tick). A window still waiting at a commit (Streamiz gives processors no way to forward
            // from inside one) is kept in its VM's state, so a restart scores it when the VM's next record
            // arrives (PendingWindow); the pre-commit hook counts such windows.
            var batch = _scoring.Model?.Batch ?? _scoring.Prediction!.Batch;
            context.Schedule(batch.CheckInterval, PunctuationType.PROCESSING_TIME, _ => Tick());
            _writeBehind = _store as State.WriteBehindKeyValueStore<string, byte[]>;
            if (_writeBehind is not null) _writeBehind.Flushing += CountPendingAtCommit;
        }
    }

    private void Tick()
    {
        var batches = _scoring.Batches;
        bool idle = batches.Records == _threadRecordsAtTick;
        _threadRecordsAtTick = batches.Records;
        if (idle || batches.Due) FlushBatches(batches);
        else Drain();
    }

    private void FlushBatches(Scoring.ThreadBatches batches)
    {
        batches.Flush();
        Drain();
    }

    private void Drain() => _outbox.Drain(Forward, Scored);

    // The VM's window is scored and its results forwarded: it need not survive a restart any more.
    private void Scored(string vm)
    {
        if (_scoring.Model is null || !_cache.TryGetValue(vm, out var state)) return;
        _scoring.Layout.Write(state, _scoring.PendingOffset + Scoring.PendingWindow.Flag, 0);
        _store.Put(vm, state);
    }

    private void Forward(string key, ScoringOutput output) => _context.Forward(key, output);

    private void CountPendingAtCommit()
    {
        if (_outbox.Unforwarded > 0) _scoring.Metrics.ModelWindowsPendingAtCommit.Inc(_outbox.Unforwarded);
    }

    public Record<string, ScoringOutput>? Process(Record<string, byte[]> record)
    {
        Scoring.ThreadBatches? batches = null;
        if (_batching)
        {
            batches = _scoring.Batches;
            batches.RecordSeen();
            Drain(); // before this record: a VM's scored window is marked done before its next one is set
        }
        var origin = record.TopicPartitionOffset;
        _position ??= _scoring.Positions.For(origin.Topic, origin.Partition.Value);
        Volatile.Write(ref _position.Value, origin.Offset.Value);
        var decoded = _decoder.Decode(record.Key, record.Value, origin.Topic, origin.Partition.Value, origin.Offset.Value);
        if (decoded.Sample is not { } sample)
            return Record<string, ScoringOutput>.Create(record.Key, ScoringOutput.Of(decoded.DeadLetter!));

        string vm = sample.VmId;
        var layout = _scoring.Layout;
        if (!_cache.TryGetValue(vm, out var state))
        {
            state = _store.Get(vm);
            // A state of another layout (an older version's, or other options') is learnt again from scratch.
            if (state is null || state.Length != layout.ByteLength) state = _scoring.NewPackedState();
            _cache[vm] = state;
        }

        var windows = batches?.Windows;
        if (windows is not null && layout.Read(state, _scoring.PendingOffset + Scoring.PendingWindow.Flag) == 1 && !windows.Holds(vm))
        {
            // A window that closed before a restart (or a stop) and was never scored: into the batch, with
            // this record's placement and origin (flushed below if this record closes the VM's next window).
            layout.UnpackRest(state, _state);
            var (w, stat) = Scoring.PendingWindow.Read(_state.AsSpan(_scoring.PendingOffset), _features, _contributions);
            windows.Add(_outbox, sample, w, _features, stat, _contributions, origin.Topic, origin.Partition.Value, origin.Offset.Value, record.Key, record.Value);
            if (windows.Full) FlushBatches(batches!);
        }
        sample.CopyStandardMetrics(_values);
        var closed = _scoring.Extractor.Add(layout.PrefixOf(state), sample.TimestampMs, _values, _features);
        AnomalyEvent? anomaly = null;
        if (closed is { } window)
        {
            // The rest of the state is changed unpacked and packed back before any batch is flushed: a flush can
            // mark this VM's waiting window scored in the packed state (Scored), which must not be written over.
            layout.UnpackRest(state, _state);
            FleetWindows(sample).Inc();
            double score = 0;
            if (windows is null || _scoring.Model!.Mode == Scoring.DetectorMode.Combined)
            {
                score = _scoring.Detector.Score(_features, _state.AsSpan(layout.Prefix, _scoring.Detector.StateLength), _contributions);
                _scores.Observe(score);
            }
            if (windows is not null)
            {
                // At most one waiting window per VM, the one its state keeps (only a delay longer than a window gets here).
                if (windows.Holds(vm)) FlushBatches(batches!);
                Scoring.PendingWindow.Set(_state.AsSpan(_scoring.PendingOffset), window, _features, score, _contributions);
            }
            var predictions = batches?.Predictions;
            int historyWindows = predictions is null ? 0
                : FeatureHistory.Push(_state.AsSpan(_scoring.HistoryOffset), _scoring.Prediction!.SequenceWindows, _features.Length, _features);
            layout.PackRest(_state, state);

            if (windows is not null)
            {
                windows.Add(_outbox, sample, window, _features, score, _contributions, origin.Topic, origin.Partition.Value, origin.Offset.Value, record.Key, record.Value);
                if (windows.Full) FlushBatches(batches!);
            }
            else if (score >= _scoring.Options.EmitThreshold)
                anomaly = AnomalyEvents.Create(sample, window, score, _scoring.Detector, _features, _contributions);

            if (predictions is not null && historyWindows == _scoring.Prediction!.SequenceWindows)
            {
                predictions.Add(_outbox, sample, window.EndMs, _state.AsSpan(_scoring.HistoryOffset));
                if (predictions.Full) FlushBatches(batches!);
            }
        }
        _store.Put(vm, state);
        if (batches is { Due: true }) FlushBatches(batches);

        long now = _scoring.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        _latency.Observe(Math.Max(0, now - record.Timestamp.UnixTimestampMs) / 1000.0);
        return anomaly is null ? null : Record<string, ScoringOutput>.Create(vm, ScoringOutput.Of(anomaly));
    }

    // The counter child of a zone, looked up once per closed window (not per record) in the task's own map.
    private Prometheus.Counter.Child FleetWindows(TelemetrySample sample)
    {
        if (!_windowsByZone.TryGetValue(sample.Zone, out var windows))
            _windowsByZone[sample.Zone] = windows = _scoring.Metrics.FleetWindows(sample.Region, sample.Zone);
        return windows;
    }

    private readonly Dictionary<string, Prometheus.Counter.Child> _windowsByZone = new(StringComparer.Ordinal);

    public void Close()
    {
        if (_position is not null) _scoring.Positions.Release(_position);
        if (_writeBehind is not null) _writeBehind.Flushing -= CountPendingAtCommit;
        _outbox.Close();
        _cache.Clear();
    }
}

/// <summary>Builds the anomaly record of a closed window.</summary>
public static class AnomalyEvents
{
    public static AnomalyEvent Create(TelemetrySample sample, ClosedWindow window, double score, IAnomalyDetector detector,
        ReadOnlySpan<double> features, ReadOnlySpan<double> contributions) =>
        Create(sample, window, score, detector.Name, detector.Schema, features, contributions);

    public static AnomalyEvent Create(TelemetrySample sample, ClosedWindow window, double score, string detector, FeatureSchema schema,
        ReadOnlySpan<double> features, ReadOnlySpan<double> contributions)
    {
        var e = new AnomalyEvent
        {
            SchemaVersion = SchemaVersions.Anomaly,
            VmId = sample.VmId,
            TenantId = sample.TenantId,
            TenantTier = sample.TenantTier,
            Region = sample.Region,
            Zone = sample.Zone,
            Host = sample.Host,
            WindowStartMs = window.StartMs,
            WindowEndMs = window.EndMs,
            Score = score,
            Detector = detector,
            Samples = window.Samples,
        };
        var contributing = new List<MetricContribution>();
        for (int m = 0; m < schema.MetricCount; m++)
        {
            if (contributions[m] <= 0) continue;
            contributing.Add(new MetricContribution
            {
                Metric = schema.Metrics[m],
                WindowMean = features[FeatureSchema.Index(m, FeatureSchema.Mean)],
                WindowMax = features[FeatureSchema.Index(m, FeatureSchema.Max)],
                SlopePerMin = features[FeatureSchema.Index(m, FeatureSchema.Slope)],
                RobustZ = features[FeatureSchema.Index(m, FeatureSchema.RobustZ)],
                Contribution = contributions[m],
            });
        }
        // Largest share first: what an SRE reads first.
        e.Contributions.AddRange(contributing.OrderByDescending(c => c.Contribution));
        return e;
    }
}
