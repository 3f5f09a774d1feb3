using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Observability;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;

namespace NovaOps.Streams.Anomaly;

/// <summary>Runtime settings of a stream app instance (section <c>Streams</c>).</summary>
public sealed record StreamAppOptions
{
    /// <summary>
    /// Stream threads of this instance: one per core. Streamiz runs a task's records on one thread, and
    /// its own per-record cost caps one thread well below the raw consume rate (bench pipeline: 0.3–0.4
    /// of it on one thread, about 0.6 on two here). Threads beyond the partition count stay idle.
    /// </summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Offsets and the state changelog are committed this often: 5 s measured as fast as 30 s (bench pipeline) with a short replay after a crash.</summary>
    public int CommitIntervalMs { get; init; } = 5000;
    public int MaxPollRecords { get; init; } = 5000;
    public string StateDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "novaops-streams");

    /// <summary>
    /// How long the group waits for a silent (crashed) member before giving its partitions to another.
    /// On the embedded broker a new instance also waits this long to join a running group (measured:
    /// the mock coordinator only rebalances when the old members' sessions lapse), so scale-out tests
    /// there use a few seconds.
    /// </summary>
    public int SessionTimeoutMs { get; init; } = 45_000;

    /// <summary>
    /// How long a graceful stop may take. librdkafka can hang for good in <c>consumer_close</c> when a
    /// rebalance callback fires during the close (confluentinc/librdkafka#4041; seen here when the two
    /// stream threads of one instance leave the group one after the other). Past this the app gives up
    /// on the close, logs it and lets the process end: offsets and state were committed before.
    /// </summary>
    public int ShutdownTimeoutMs { get; init; } = 30_000;
}

/// <summary>One running instance of the anomaly topology.</summary>
public sealed class AnomalyApp : IAsyncDisposable
{
    private readonly KafkaStream _stream;
    private readonly TimeSpan _shutdownTimeout;
    private readonly ILogger _log;
    private readonly NovaOps.Models.Registry.ModelRegistry? _models;
    private readonly NovaOps.Models.Registry.ModelRegistry? _incidents;
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PipelineMetrics Metrics { get; }

    /// <summary>Last processed offset per partition, for the lag probe.</summary>
    public ProcessedPositions Positions { get; } = new();

    public KafkaStream.State State { get; private set; } = KafkaStream.State.CREATED;

    public AnomalyApp(string bootstrapServers, TopicNames topics, AnomalyTopologyOptions options, StreamAppOptions app,
        Func<FeatureSchema, IAnomalyDetector> detectorFactory, PipelineMetrics metrics, ILoggerFactory? logging = null)
    {
        Metrics = metrics;
        _shutdownTimeout = TimeSpan.FromMilliseconds(app.ShutdownTimeoutMs);
        _log = (logging ?? NullLoggerFactory.Instance).CreateLogger<AnomalyApp>();
        var schema = new FeatureSchema(MetricNames.Standard);
        if (options.Detector != Scoring.DetectorMode.Statistical)
        {
            // Refuses to start on a missing model or one trained for other features (ModelLoadException).
            _models = NovaOps.Models.Registry.ModelRegistry.Open(options.Model, NovaOps.Models.Cards.ModelKinds.Anomaly,
                new NovaOps.Models.Registry.RunningFeatures(schema, options.Features.Window), (logging ?? NullLoggerFactory.Instance).CreateLogger("models"));
        }
        var model = _models is null ? null : new Scoring.ModelScoring(_models, options.Detector, options.MicroBatch, metrics);
        Scoring.PredictionScoring? prediction = null;
        if (options.Prediction.Enabled)
        {
            var running = new NovaOps.Models.Registry.RunningFeatures(schema, options.Features.Window);
            var log = (logging ?? NullLoggerFactory.Instance).CreateLogger("models");
            // The history length is fixed by the model found at start (the per-VM state is sized for it);
            // later versions must read the same.
            int? windows = null;
            _incidents = NovaOps.Models.Registry.ModelRegistry.Open(options.Prediction.Model, NovaOps.Models.Cards.ModelKinds.Incident, running, log,
                compatible: m => windows is { } w ? Scoring.PredictionScoring.SameSequenceLength(w)(m) : null);
            windows = _incidents.Active.Card.SequenceWindows;
            prediction = new Scoring.PredictionScoring(_incidents, options.Prediction, options.MicroBatch, metrics);
        }
        var scoring = new VmScoring(new WindowFeatureExtractor(schema, options.Features), detectorFactory(schema), options, metrics, Positions, TimeProvider.System,
            model, prediction);
        var decoder = new TelemetryDecoder(new TelemetryCodec(), metrics, TimeProvider.System);
        var topology = AnomalyTopology.Build(topics, scoring, decoder);
        _stream = new KafkaStream(topology, CreateConfig(bootstrapServers, options, app, logging));
        _stream.StateChanged += (_, now) =>
        {
            State = now;
            if (now == KafkaStream.State.RUNNING) _running.TrySetResult();
            if (now == KafkaStream.State.ERROR || now == KafkaStream.State.NOT_RUNNING)
                _running.TrySetException(new InvalidOperationException($"the anomaly app stopped in state {now}"));
        };
    }

    public static StreamConfig<StringSerDes, ByteArraySerDes> CreateConfig(string bootstrapServers, AnomalyTopologyOptions options,
        StreamAppOptions app, ILoggerFactory? logging)
    {
        var config = new StreamConfig<StringSerDes, ByteArraySerDes>
        {
            // First: Streamiz's Guarantee setter resets the commit interval to that guarantee's default
            // (30 s for at-least-once), so it must not come after CommitIntervalMs.
            Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
            ApplicationId = options.ApplicationId,
            BootstrapServers = bootstrapServers,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            NumStreamThreads = app.Threads,
            MaxPollRecords = app.MaxPollRecords,
            StateDir = app.StateDirectory,
            Logger = logging ?? NullLoggerFactory.Instance,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        };
        config.CommitIntervalMs = app.CommitIntervalMs;
        config.SessionTimeoutMs = app.SessionTimeoutMs;
        return config;
    }

    /// <summary>Starts the app and returns once it is RUNNING (partitions assigned, state restored).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _stream.StartAsync(cancellationToken);
        await _running.Task.WaitAsync(cancellationToken);
    }

    /// <summary>False when the last stop gave up waiting for Streamiz to close (see <see cref="StreamAppOptions.ShutdownTimeoutMs"/>).</summary>
    public bool ClosedCleanly { get; private set; } = true;

    /// <summary>The anomaly model in use (Onnx and Combined modes), e.g. "anomaly-autoencoder/1".</summary>
    public string? ActiveModel => _models?.Active.Id;

    /// <summary>The incident model in use, when predictions are enabled.</summary>
    public string? ActiveIncidentModel => _incidents?.Active.Id;

    public async ValueTask DisposeAsync()
    {
        bool closed = await StreamClose.WithinAsync(_stream, _shutdownTimeout);
        if (closed) { _models?.Dispose(); _incidents?.Dispose(); } // a stuck stream thread may still be scoring: then leave the sessions alone
        if (closed) return;
        ClosedCleanly = false;
        _log.LogError("The anomaly app did not close within {Timeout}; a Kafka consumer is stuck in close (librdkafka#4041). " +
            "Offsets and state were committed before the close began.", _shutdownTimeout);
    }
}
