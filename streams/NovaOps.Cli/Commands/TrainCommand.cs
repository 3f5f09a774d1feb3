using System.CommandLine;
using System.Diagnostics;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops train anomaly|incident|series ...</c>: runs the training tool <c>novaops-train</c> with the same
/// arguments. Training lives in a tool of its own so that libtorch (~500 MB) never lands in the stream
/// apps' output or in this tool's package.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Command("train", "Train a model with TorchSharp (runs novaops-train; see `novaops-train --help`)");
        foreach (var (name, what) in new[] { ("anomaly", "the anomaly autoencoder"), ("incident", "the incident predictor"), ("series", "the single-series model") })
        {
            var sub = new Command(name, $"Train {what} on a simulated fleet or on recorded data and write it to models/ (options: see `novaops-train {name} --help`)")
            {
                TreatUnmatchedTokensAsErrors = false,
            };
            sub.SetAction(async (parse, ct) =>
            {
                string tool = Locate() ?? throw new CliException(
                    "novaops-train not found: build it with `dotnet build -c Release training/NovaOps.Training.Cli` in a clone of the repository, put it on PATH, or set NOVAOPS_TRAIN to its path");
                var start = new ProcessStartInfo(tool) { UseShellExecute = false };
                start.ArgumentList.Add(name);
                foreach (var token in parse.UnmatchedTokens) start.ArgumentList.Add(token);
                using var process = Process.Start(start) ?? throw new CliException($"could not start {tool}");
                await process.WaitForExitAsync(ct);
                return process.ExitCode;
            });
            train.Subcommands.Add(sub);
        }
        return train;
    }

    /// <summary>
    /// NOVAOPS_TRAIN, then PATH, then the Release build in the repository around the working directory or around this
    /// binary (a repository build of novaops run from elsewhere, e.g. beside a recording).
    /// </summary>
    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("NOVAOPS_TRAIN") is { Length: > 0 } explicitPath) return File.Exists(explicitPath) ? explicitPath : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "novaops-train"))) return Path.Combine(dir, "novaops-train");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string built = Path.Combine(d.FullName, "training", "NovaOps.Training.Cli", "bin", "Release", "net10.0", "novaops-train");
                if (File.Exists(built)) return built;
            }
        return null;
    }
}
