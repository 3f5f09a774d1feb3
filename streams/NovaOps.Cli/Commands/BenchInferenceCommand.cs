using System.CommandLine;
using NovaOps.Cli.Bench;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops bench inference</c>: the topology's ONNX models standalone vs inside the topology.</summary>
internal static class BenchInferenceCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var records = new Option<long>("--records") { Description = "Telemetry records the topology processes (one window per VM per minute is scored)", DefaultValueFactory = _ => 600_000 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of the topology run; the figures are the median round's, with every round's ratio (one round moves by ±0.1 with the machine's speed)", DefaultValueFactory = _ => 3 };
        var bootstrap = CommonOptions.BootstrapServers();
        var json = CommonOptions.Json("the figures");
        var cmd = new Command("inference", "Rows/s of the ONNX anomaly and incident models standalone (batch 1, 64, 1024) vs scored inside the topology") { records, rounds, bootstrap, json };
        cmd.SetAction(async (parse, ct) =>
        {
            long n = parse.GetValue(records);
            if (n < 1000) throw new CliException("--records must be at least 1000");
            int r = parse.GetValue(rounds);
            if (r < 1) throw new CliException("--rounds must be at least 1");
            InferenceBenchResult result = null!;
            await console.Status().StartAsync("starting", async ctx =>
            {
                result = await new InferenceBenchmark(settings).RunAsync(n, CommonOptions.OptionalKafka(parse.GetValue(bootstrap), settings), s => ctx.Status(s), ct, r);
            });
            var table = new Table().Title($"bench inference: {result.Records:N0} records, {result.Windows:N0} windows, median of {result.Rounds} round(s)")
                .AddColumns(["measure (rows/s unless said)", .. result.Models.Select(m => m.Model)]);
            foreach (string batch in result.Models[0].StandaloneByBatch.Keys)
                table.AddRow([$"standalone ONNX Runtime, batch {batch}", .. result.Models.Select(m => $"{m.StandaloneByBatch[batch]:N0}")]);
            table.AddRow(["ONNX Runtime in the topology", .. result.Models.Select(m => $"{m.InTopologyPerSecond:N0}")]);
            table.AddRow(["whole scoring step in the topology", .. result.Models.Select(m => $"{m.InTopologyScoringPerSecond:N0}")]);
            table.AddRow(["mean micro-batch (rows)", .. result.Models.Select(m => $"{m.InTopologyMeanBatch:N1}")]);
            table.AddRow(["ratio to the best standalone (goal ≥ 0.7)", .. result.Models.Select(m => m.Ratio >= 0.7 ? $"[green]{m.Ratio:F3}[/]" : $"[red]{m.Ratio:F3}[/]")]);
            if (result.Rounds > 1)
                table.AddRow(["ratio of each round", .. result.Models.Select(m => string.Join(" ", m.RatioRounds.Select(x => x.ToString("F3"))))]);
            table.AddRow(["standalone ONNX Runtime at the topology's pace: batch, one run per interval",
                .. result.Models.Select(m => $"{m.Paced.PerSecond:N0} ({m.Paced.Batch} rows / {m.Paced.IntervalMs} ms)")]);
            table.AddRow(["ratio to it", .. result.Models.Select(m => $"{m.Paced.Ratio:F3}")]);
            table.AddRow(["share of the stream threads' CPU: ONNX Runtime / scoring step",
                .. result.Models.Select(m => m.OnnxShareOfStreamCpu is { } o && m.ScoringShareOfStreamCpu is { } s ? $"{o:P2} / {s:P2}" : "-")]);
            console.Write(table);
            JsonOutput.Write(parse.GetValue(json), result);
            return 0;
        });
        return cmd;
    }
}
