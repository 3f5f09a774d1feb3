using System.CommandLine;

namespace NovaOps.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string?> BootstrapServers() => new("--bootstrap-servers")
    {
        Description = "Kafka bootstrap servers; without it the embedded broker is started",
    };

    public static Option<FileInfo?> Json(string what) => new("--json") { Description = $"Write {what} as JSON to this file" };
}
