using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Streams.Hosting;
using Streamiz.Kafka.Net;
using NovaOps.Kafka;

namespace NovaOps.Streams.Rca;

/// <summary>One running instance of the RCA topology.</summary>
public sealed class RcaApp : IAsyncDisposable
{
    private readonly KafkaStream _stream;
    private readonly TimeSpan _shutdownTimeout;
    private readonly ILogger _log;
    private readonly StreamLiveness _liveness;

    public RcaMetrics Metrics { get; }

    public RcaApp(KafkaClientOptions kafka, TopicNames topics, RcaTopologyOptions options, StreamAppOptions app, PipelineMetrics metrics, ILoggerFactory? logging = null)
    {
        Metrics = new RcaMetrics(metrics);
        _shutdownTimeout = TimeSpan.FromMilliseconds(app.ShutdownTimeoutMs);
        _log = (logging ?? NullLoggerFactory.Instance).CreateLogger<RcaApp>();
        // The incident processor's one partition needs one thread; the other carries the anomalies over.
        var config = StreamConfigs.Create(kafka, options.ApplicationId, app with { Threads = Math.Min(app.Threads, 2) }, logging);
        _stream = new KafkaStream(RcaTopology.Build(topics, options, Metrics), config, app.Clients(config));
        _liveness = new StreamLiveness(_stream, config.NumStreamThreads, "RCA");
    }

    /// <summary>Why the app stopped processing, or processes on fewer threads than it started with, on its own; null while it runs whole. The service exits on it so that its service manager restarts it.</summary>
    public string? Failure => _liveness.Failure;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _stream.StartAsync(cancellationToken);
        await _liveness.Running.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (await StreamClose.WithinAsync(_stream, _shutdownTimeout)) return;
        _log.LogError("The RCA app did not close within {Timeout}; a Kafka consumer is stuck in close (librdkafka#4041).", _shutdownTimeout);
    }
}
