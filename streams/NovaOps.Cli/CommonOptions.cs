using System.CommandLine;

namespace NovaOps.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string?> BootstrapServers() => new("--bootstrap-servers")
    {
        Description = "Kafka bootstrap servers; without it the embedded broker is started",
    };

    /// <summary>For commands that work on a Kafka already running (a region's, or what `novaops broker` printed).</summary>
    public static Option<string?> ExistingBootstrapServers() => new("--bootstrap-servers")
    {
        Description = "Kafka bootstrap servers (default: Kafka:BootstrapServers, e.g. NOVAOPS__KAFKA__BOOTSTRAPSERVERS; `novaops broker` prints one)",
    };

    /// <summary>The option's value, else <c>Kafka:BootstrapServers</c> (e.g. <c>NOVAOPS__KAFKA__BOOTSTRAPSERVERS</c>); null for "embedded".</summary>
    public static string? BootstrapServers(string? option, NovaOpsSettings settings) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : !string.IsNullOrWhiteSpace(settings.Kafka.BootstrapServers) ? settings.Kafka.BootstrapServers
        : null;

    /// <summary>The Kafka the option or settings give, with its TLS/SASL settings; null for "start the embedded broker".</summary>
    public static NovaOps.Kafka.KafkaClientOptions? OptionalKafka(string? option, NovaOpsSettings settings) =>
        BootstrapServers(option, settings) is null ? null : RequiredKafka(option, settings);

    /// <summary>
    /// For commands that need an existing Kafka: its servers (as <see cref="BootstrapServers(string?, NovaOpsSettings)"/>)
    /// with the cluster's TLS/SASL settings (<c>Kafka:Security:*</c>), checked here so that a wrong combination is one
    /// clear line at start.
    /// </summary>
    public static NovaOps.Kafka.KafkaClientOptions RequiredKafka(string? option, NovaOpsSettings settings)
    {
        string servers = BootstrapServers(option, settings)
            ?? throw new CliException("no Kafka given: pass --bootstrap-servers (e.g. what `novaops broker` printed) or set NOVAOPS__KAFKA__BOOTSTRAPSERVERS");
        try { settings.Kafka.Security.Validate(); }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException) { throw new CliException(e.Message); }
        return new NovaOps.Kafka.KafkaClientOptions { BootstrapServers = servers, Security = settings.Kafka.Security };
    }

    public static Option<NovaOps.Streams.Anomaly.Scoring.DetectorMode?> Detector() => new("--detector")
    {
        Description = "statistical, onnx (the anomaly model in models/), combined, or subspace (each VM's metrics against their learnt relations, as detect and eval servers); default: Anomaly:Detector of the settings",
    };

    /// <summary>The anomaly options with the detector chosen on the command line, if one was.</summary>
    public static NovaOps.Streams.Anomaly.AnomalyTopologyOptions WithDetector(NovaOpsSettings settings, NovaOps.Streams.Anomaly.Scoring.DetectorMode? mode) =>
        mode is { } m ? settings.Anomaly with { Detector = m } : settings.Anomaly;

    public static Option<FileInfo?> Json(string what) => new("--json") { Description = $"Write {what} as JSON to this file" };
}
