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

    /// <summary>Like <see cref="BootstrapServers(string?, NovaOpsSettings)"/>, for commands that need an existing Kafka.</summary>
    public static string RequiredBootstrapServers(string? option, NovaOpsSettings settings) =>
        BootstrapServers(option, settings)
        ?? throw new CliException("no Kafka given: pass --bootstrap-servers (e.g. what `novaops broker` printed) or set NOVAOPS__KAFKA__BOOTSTRAPSERVERS");

    public static Option<NovaOps.Streams.Anomaly.Scoring.DetectorMode?> Detector() => new("--detector")
    {
        Description = "statistical, onnx (the anomaly model in models/) or combined; default: Anomaly:Detector of the settings",
    };

    /// <summary>The anomaly options with the detector chosen on the command line, if one was.</summary>
    public static NovaOps.Streams.Anomaly.AnomalyTopologyOptions WithDetector(NovaOpsSettings settings, NovaOps.Streams.Anomaly.Scoring.DetectorMode? mode) =>
        mode is { } m ? settings.Anomaly with { Detector = m } : settings.Anomaly;

    public static Option<FileInfo?> Json(string what) => new("--json") { Description = $"Write {what} as JSON to this file" };
}
