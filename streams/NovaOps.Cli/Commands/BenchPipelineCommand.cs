using System.CommandLine;
using NovaOps.Cli.Bench;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops bench pipeline</c>: anomaly topology vs a plain consumer on the same records.</summary>
internal static class BenchPipelineCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var records = new Option<long>("--records") { Description = "Telemetry records to process", DefaultValueFactory = _ => 500_000 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of the three measurements; medians are reported", DefaultValueFactory = _ => 3 };
        var bootstrap = CommonOptions.BootstrapServers();
        var json = CommonOptions.Json("the figures");
        var cmd = new Command("pipeline", "Records/s of the anomaly topology vs raw consumption, same records, same run") { records, rounds, bootstrap, json };
        cmd.SetAction(async (parse, ct) =>
        {
            long n = parse.GetValue(records);
            if (n < 1000) throw new CliException("--records must be at least 1000");
            if (parse.GetValue(rounds) < 1) throw new CliException("--rounds must be at least 1");
            PipelineBenchResult result = null!;
            await console.Status().StartAsync("starting", async ctx =>
            {
                result = await new PipelineBenchmark(settings).RunAsync(n, parse.GetValue(rounds), CommonOptions.OptionalKafka(parse.GetValue(bootstrap), settings), s => ctx.Status(s), ct);
            });
            var table = new Table().Title("bench pipeline").AddColumns("measure", "value")
                .AddRow("records", $"{result.Records:N0} over {result.Partitions} partitions, median of {result.Rounds} rounds")
                .AddRow("raw consume", $"{result.RawConsumePerSecond:N0} rec/s ({result.RawConsumers} consumer thread(s))")
                .AddRow("Streamiz no-op topology (framework ceiling)", $"{result.StreamizNoopPerSecond:N0} rec/s (ratio {result.StreamizNoopRatio:F3})")
                .AddRow("anomaly topology", $"{result.PipelinePerSecond:N0} rec/s ({result.StreamThreads} stream thread(s))")
                .AddRow("ratio, median of the rounds' (goal ≥ 0.5)", $"{result.Ratio:F3} ({string.Join(" ", result.RatioRounds.Select(r => r.ToString("F3")))})")
                .AddRow("state per VM (store and changelog)", $"{result.StateBytesPerVm:N0} bytes");
            console.Write(table);
            JsonOutput.Write(parse.GetValue(json), result);
            return 0;
        });
        return cmd;
    }
}
