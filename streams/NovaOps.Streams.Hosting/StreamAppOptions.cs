using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using NovaOps.Kafka;

namespace NovaOps.Streams.Hosting;

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

    /// <summary>
    /// How long a stream thread gathers records before it processes them (Streamiz's <c>PollMs</c>, whose default is
    /// this). A simulation that steps its clock on the apps' progress sets it low, or each hop costs the whole wait.
    /// </summary>
    public int PollMs { get; init; } = 100;
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

    /// <summary>
    /// How long closing one Kafka consumer of the app may take. A close stuck in librdkafka (#4041) is left to a
    /// background thread past this, so that the stream thread that called it ends and the process can exit; kept
    /// below <see cref="ShutdownTimeoutMs"/> so that a stuck consumer still lets the app stop cleanly.
    /// </summary>
    public int ConsumerCloseTimeoutMs { get; init; } = 10_000;

    /// <summary>The Kafka clients of an app with these settings (<see cref="RebalanceSafeSupplier"/>).</summary>
    public RebalanceSafeSupplier Clients(IStreamConfig config) => new(config, TimeSpan.FromMilliseconds(ConsumerCloseTimeoutMs));
}

/// <summary>The Streamiz configuration every NovaOps app starts from.</summary>
public static class StreamConfigs
{
    public static StreamConfig<StringSerDes, ByteArraySerDes> Create(KafkaClientOptions kafka, string applicationId, StreamAppOptions app, ILoggerFactory? logging)
    {
        var config = new StreamConfig<StringSerDes, ByteArraySerDes>
        {
            // First: Streamiz's Guarantee setter resets the commit interval to that guarantee's default
            // (30 s for at-least-once), so it must not come after CommitIntervalMs.
            Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
            ApplicationId = applicationId,
            BootstrapServers = kafka.BootstrapServers,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            NumStreamThreads = app.Threads,
            MaxPollRecords = app.MaxPollRecords,
            PollMs = app.PollMs,
            StateDir = app.StateDirectory,
            Logger = logging ?? NullLoggerFactory.Instance,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        };
        config.CommitIntervalMs = app.CommitIntervalMs;
        config.SessionTimeoutMs = app.SessionTimeoutMs;
        if (kafka.FetchWaitMaxMs is { } wait) config.FetchWaitMaxMs = wait;
        ApplySecurity(config, kafka.Security);
        return config;
    }

    /// <summary>
    /// The cluster's TLS and SASL on every client of the app (Streamiz passes these on to its consumers, producers and
    /// admin client). The same settings as <see cref="KafkaClientOptions.Apply"/> sets on a plain client, through
    /// Streamiz's typed properties: its <c>AddConfig</c> with librdkafka's names fails on typed keys (measured).
    /// </summary>
    private static void ApplySecurity(StreamConfig config, KafkaSecurityOptions security)
    {
        security.Validate();
        if (security.Protocol is { } protocol) config.SecurityProtocol = protocol;
        if (security.SaslMechanism is { } mechanism) config.SaslMechanism = mechanism;
        if (security.SaslUsername is { Length: > 0 } user) config.SaslUsername = user;
        if (security.SaslPassword is { Length: > 0 } password) config.SaslPassword = password;
        if (security.SslCaLocation is { Length: > 0 } ca) config.SslCaLocation = ca;
        if (security.SslCertificateLocation is { Length: > 0 } cert) config.SslCertificateLocation = cert;
        if (security.SslKeyLocation is { Length: > 0 } key) config.SslKeyLocation = key;
        if (security.SslKeyPassword is { Length: > 0 } keyPassword) config.SslKeyPassword = keyPassword;
    }
}
