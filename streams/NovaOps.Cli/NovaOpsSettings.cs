using NovaOps.Streams.Hosting;
using Microsoft.Extensions.Configuration;
using NovaOps.Contracts;
using NovaOps.Detection.Offline;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;

namespace NovaOps.Cli;

/// <summary>Where the apps find Kafka (section <c>Kafka</c>).</summary>
public sealed record KafkaOptions
{
    /// <summary>Empty: start the embedded broker.</summary>
    public string BootstrapServers { get; init; } = "";
    public string TopicPrefix { get; init; } = "eu-west";
    public int Partitions { get; init; } = 12;

    /// <summary>The cluster's TLS and SASL (<c>NOVAOPS__KAFKA__SECURITY__PROTOCOL=SaslSsl</c>, <c>...__SASLMECHANISM</c>, <c>...__SASLUSERNAME</c>, <c>...__SASLPASSWORD</c>, <c>...__SSLCALOCATION</c>): every client of a command or service uses them.</summary>
    public NovaOps.Kafka.KafkaSecurityOptions Security { get; init; } = new();

    public TopicNames Topics => new(TopicPrefix);
}

/// <summary>
/// Configuration of every component, from appsettings.json next to the binary, then environment
/// variables <c>NOVAOPS__SECTION__KEY</c>, then command-line options (highest).
/// </summary>
public sealed record NovaOpsSettings(KafkaOptions Kafka, MetricsOptions Metrics, StreamAppOptions Streams, AnomalyTopologyOptions Anomaly,
    SeriesDetectionOptions Series, NovaOps.Streams.Rca.RcaTopologyOptions Rca, NovaOps.Remediation.RemediationOptions Remediation,
    NovaOps.Placement.PlacementOptions Placement, NovaOps.Ingest.IngestOptions Ingest, NovaOps.History.HistoryOptions History)
{
    public static NovaOpsSettings Load()
    {
        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("NOVAOPS__")
            .Build();
        return new NovaOpsSettings(
            config.GetSection("Kafka").Get<KafkaOptions>() ?? new KafkaOptions(),
            config.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions(),
            config.GetSection("Streams").Get<StreamAppOptions>() ?? new StreamAppOptions(),
            WithModelsFolder(config.GetSection("Anomaly").Get<AnomalyTopologyOptions>() ?? new AnomalyTopologyOptions()),
            config.GetSection("Series").Get<SeriesDetectionOptions>() ?? new SeriesDetectionOptions(),
            config.GetSection("Rca").Get<NovaOps.Streams.Rca.RcaTopologyOptions>() ?? new NovaOps.Streams.Rca.RcaTopologyOptions(),
            WithRunbooksFolder(config.GetSection("Remediation").Get<NovaOps.Remediation.RemediationOptions>() ?? new NovaOps.Remediation.RemediationOptions()),
            config.GetSection("Placement").Get<NovaOps.Placement.PlacementOptions>() ?? new NovaOps.Placement.PlacementOptions(),
            config.GetSection("Ingest").Get<NovaOps.Ingest.IngestOptions>() ?? new NovaOps.Ingest.IngestOptions(),
            config.GetSection("History").Get<NovaOps.History.HistoryOptions>() ?? new NovaOps.History.HistoryOptions())
        {
            Logging = config.GetSection("Logging"),
        };
    }

    /// <summary>
    /// The services' log levels, the .NET way: <c>Logging:LogLevel:Default</c> and one entry per category prefix
    /// (e.g. <c>Logging:LogLevel:Streamiz</c>, <c>NOVAOPS__LOGGING__LOGLEVEL__STREAMIZ=Debug</c>).
    /// </summary>
    public IConfiguration Logging { get; init; } = new ConfigurationBuilder().Build();

    /// <summary>Runbooks as models: the working directory first, then the example runbooks shipped next to the executable.</summary>
    private static NovaOps.Remediation.RemediationOptions WithRunbooksFolder(NovaOps.Remediation.RemediationOptions remediation) =>
        remediation with { Runbooks = ModelsFolder(remediation.Runbooks) };

    /// <summary>
    /// A relative models folder is looked up in the working directory (a clone of the repository), then
    /// next to the executable, where the installed tool carries the shipped models.
    /// </summary>
    private static AnomalyTopologyOptions WithModelsFolder(AnomalyTopologyOptions anomaly) => anomaly with
    {
        Model = anomaly.Model with { Directory = ModelsFolder(anomaly.Model.Directory) },
        Prediction = anomaly.Prediction with { Model = anomaly.Prediction.Model with { Directory = ModelsFolder(anomaly.Prediction.Model.Directory) } },
    };

    private static string ModelsFolder(string dir)
    {
        if (Path.IsPathRooted(dir) || Directory.Exists(dir)) return dir;
        string shipped = Path.Combine(AppContext.BaseDirectory, dir);
        return Directory.Exists(shipped) ? shipped : dir;
    }
}
