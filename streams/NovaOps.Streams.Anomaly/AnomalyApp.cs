using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Observability;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using NovaOps.Streams.Hosting;
using NovaOps.Kafka;

namespace NovaOps.Streams.Anomaly;

/// <summary>One running instance of the anomaly topology.</summary>
public sealed class AnomalyApp : IAsyncDisposable
{
    private readonly KafkaStream _stream;
    private readonly TimeSpan _shutdownTimeout;
    private readonly ILogger _log;
    private readonly NovaOps.Models.Registry.ModelRegistry? _models;
    private readonly NovaOps.Models.Registry.ModelRegistry? _incidents;
    private readonly StreamLiveness _liveness;

    public PipelineMetrics Metrics { get; }

    /// <summary>Bytes of one VM's state in the store and in each changelog record (<see cref="State.PackedStateLayout"/>).</summary>
    public int StateBytesPerVm { get; }

    /// <summary>Last processed offset per partition, for the lag probe.</summary>
    public ProcessedPositions Positions { get; } = new();

    public KafkaStream.State State => _liveness.State;

    public AnomalyApp(KafkaClientOptions kafka, TopicNames topics, AnomalyTopologyOptions options, StreamAppOptions app,
        Func<FeatureSchema, IAnomalyDetector> detectorFactory, PipelineMetrics metrics, ILoggerFactory? logging = null)
    {
        Metrics = metrics;
        _shutdownTimeout = TimeSpan.FromMilliseconds(app.ShutdownTimeoutMs);
        _log = (logging ?? NullLoggerFactory.Instance).CreateLogger<AnomalyApp>();
        var schema = new FeatureSchema(MetricNames.Standard);
        if (Scoring.DetectorModes.UsesModel(options.Detector))
        {
            // Refuses to start on a missing model or one trained for other features (ModelLoadException).
            _models = NovaOps.Models.Registry.ModelRegistry.Open(options.Model, NovaOps.Models.Cards.ModelKinds.Anomaly,
                new NovaOps.Models.Registry.RunningFeatures(schema, options.Features.Window), (logging ?? NullLoggerFactory.Instance).CreateLogger("models"),
                warmUpRows: options.MicroBatch.MaxBatch);
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
                compatible: m => windows is { } w ? Scoring.PredictionScoring.SameSequenceLength(w)(m) : null, warmUpRows: options.MicroBatch.MaxBatch);
            windows = _incidents.Active.Card.SequenceWindows;
            prediction = new Scoring.PredictionScoring(_incidents, options.Prediction, options.MicroBatch, metrics);
        }
        var scoring = new VmScoring(new WindowFeatureExtractor(schema, options.Features), detectorFactory(schema), options, metrics, Positions, TimeProvider.System,
            model, prediction);
        StateBytesPerVm = scoring.Layout.ByteLength;
        var decoder = new TelemetryDecoder(new TelemetryCodec(), metrics, TimeProvider.System);
        var topology = AnomalyTopology.Build(topics, scoring, decoder);
        var config = CreateConfig(kafka, options, app, logging);
        _stream = new KafkaStream(topology, config, app.Clients(config));
        _liveness = new StreamLiveness(_stream, config.NumStreamThreads, "anomaly");
    }

    public static StreamConfig<StringSerDes, ByteArraySerDes> CreateConfig(KafkaClientOptions kafka, AnomalyTopologyOptions options,
        StreamAppOptions app, ILoggerFactory? logging)
    {
        var config = StreamConfigs.Create(kafka, options.ApplicationId, app, logging);
        return config;
    }

    /// <summary>Why the app stopped processing, or processes on fewer threads than it started with, on its own; null while it runs whole. The service exits on it so that its service manager restarts it.</summary>
    public string? Failure => _liveness.Failure;

    /// <summary>Starts the app and returns once it is RUNNING (partitions assigned, state restored).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _stream.StartAsync(cancellationToken);
        await _liveness.Running.WaitAsync(cancellationToken);
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
